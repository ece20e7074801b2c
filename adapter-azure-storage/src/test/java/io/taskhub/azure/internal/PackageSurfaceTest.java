package io.taskhub.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The package shows one entry point to the backend (and its settings); everything else stays inside. */
class PackageSurfaceTest {
    @Test
    void onlyTheStoreAndItsSettingsArePublic() throws Exception {
        assertThat(publicTopLevelClasses()).containsExactlyInAnyOrder("AzureOrchestrationStore", "StoreSettings");
    }

    private static List<String> publicTopLevelClasses() throws URISyntaxException, java.io.IOException {
        Path folder = Path.of(AzureOrchestrationStore.class.getResource("AzureOrchestrationStore.class").toURI())
                .getParent();
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(".class") && !name.contains("$") && !name.equals("package-info.class"))
                    .map(name -> name.substring(0, name.length() - ".class".length()))
                    .filter(PackageSurfaceTest::isPublic).toList();
        }
    }

    private static boolean isPublic(String simpleName) {
        try {
            return Modifier.isPublic(Class.forName(PackageSurfaceTest.class.getPackageName() + "." + simpleName)
                    .getModifiers());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
