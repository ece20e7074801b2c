package io.taskhub.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Checks the product's main classes against DESIGN.md §1. */
@AnalyzeClasses(packages = ProductClasses.ROOT_PACKAGE,
        importOptions = {ImportOption.DoNotIncludeTests.class, ProductClasses.ExcludeTestJars.class})
class ArchitectureTest {
    private static final ArchitectureRules RULES = ArchitectureRules.PRODUCT;

    @ArchTest
    static final ArchRule portsAndCoreUseNoFrameworks = RULES.portsAndCoreUseNoFrameworks();

    @ArchTest
    static final ArchRule portsDependOnlyOnPorts = RULES.portsDependOnlyOnPorts();

    @ArchTest
    static final ArchRule coreDependsOnlyOnPorts = RULES.coreDependsOnlyOnPorts();

    @ArchTest
    static final ArchRule storageAdaptersDependOnlyOnPorts = RULES.storageAdaptersDependOnlyOnPorts();

    @ArchTest
    static final ArchRule adaptersDoNotDependOnEachOther = RULES.adaptersDoNotDependOnEachOther();

    @ArchTest
    static final ArchRule samplesDependOnlyOnPorts = RULES.samplesDependOnlyOnPorts();

    @ArchTest
    static final ArchRule remoteClientDependsOnlyOnPorts = RULES.remoteClientDependsOnlyOnPorts();

    @ArchTest
    static final ArchRule guiceModulesLiveInAdapters = RULES.guiceModulesLiveInAdapters();

    @ArchTest
    static final ArchRule noPackageCycles = RULES.noPackageCycles();

    @ArchTest
    static final ArchRule onlyTheCodecKnowsJson = RULES.onlyTheCodecKnowsJson();
}
