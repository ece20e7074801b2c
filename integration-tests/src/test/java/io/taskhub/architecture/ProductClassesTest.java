package io.taskhub.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

/** Guards the architecture test's import, so that no rule passes merely because it saw nothing. */
class ProductClassesTest {
    private static final JavaClasses PRODUCT = ProductClasses.importProduct();

    @Test
    void import_seesMainClassesOfPortsAndSamples() {
        assertThat(PRODUCT.contain("io.taskhub.ports.orchestration.Orchestrator")).isTrue();
        assertThat(PRODUCT.contain("io.taskhub.samples.SamplesPlugin")).isTrue();
    }

    @Test
    void import_leavesOutTestClassesAndTestJars() {
        assertThat(PRODUCT.stream().map(JavaClass::getPackageName))
                .noneMatch(name -> name.startsWith("io.taskhub.architecture"));
        assertThat(PRODUCT.stream().map(c -> c.getSource().map(s -> s.getUri().toString()).orElse("")))
                .noneMatch(uri -> uri.contains("-tests.jar") || uri.contains("test-classes"));
    }
}
