package io.taskhub.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;

/**
 * How the architecture tests see the product: the main classes of every {@code io.taskhub} module on the
 * class path, without test classes (this module's own, fixtures included) and without test-jars (the TCK).
 */
final class ProductClasses {
    static final String ROOT_PACKAGE = "io.taskhub";

    private ProductClasses() {
    }

    static JavaClasses importProduct() {
        return new ClassFileImporter()
                .withImportOption(new ImportOption.DoNotIncludeTests())
                .withImportOption(new ExcludeTestJars())
                .importPackages(ROOT_PACKAGE);
    }

    /** Leaves out Maven test-jars ({@code *-tests.jar}), which {@link ImportOption.DoNotIncludeTests} does not. */
    public static final class ExcludeTestJars implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("-tests.jar");
        }
    }
}
