package io.taskhub.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The dependency rules of DESIGN.md §1, written once over a package root so the same definitions check the
 * product ({@link #PRODUCT}, root {@code io.taskhub}) and, in {@code ArchitectureRulesSelfTest}, deliberately
 * broken fixture classes laid out the same way under another root.
 *
 * <p>Rules over a layer that has no classes yet allow an empty "should" (ArchUnit fails such rules by
 * default); {@code ProductClassesTest} makes sure the import itself is not empty, so no rule passes only
 * because nothing was imported.
 */
public final class ArchitectureRules {
    public static final ArchitectureRules PRODUCT = new ArchitectureRules("io.taskhub");

    /** Libraries that do I/O or wiring; {@code ports} and {@code core} stay free of them. */
    static final List<String> FRAMEWORK_PACKAGES = List.of(
            "com.google.inject..", // Guice
            "io.javalin..",
            "java.sql..", "javax.sql..", "org.postgresql..", "org.sqlite..", // JDBC and its drivers
            "com.azure..",
            "picocli..",
            "org.flywaydb..",
            "com.zaxxer..", // HikariCP
            "org.slf4j..", "ch.qos.logback..",
            "org.eclipse.jetty..",
            "io.grpc..", "com.google.protobuf..");

    static final List<String> STORAGE_ADAPTERS = List.of("sqlite", "postgres", "azure");
    static final List<String> ADAPTERS = List.of("sqlite", "postgres", "azure", "http", "grpc", "runtime", "cli");
    /** The composition root: the one adapter that may depend on every other. */
    static final String COMPOSITION_ROOT = "runtime";
    /**
     * Delivery adapters built on the runtime as any application is: the CLI starts Taskhub through the runtime and
     * prints the HTTP API's documents.
     */
    static final Map<String, List<String>> BUILT_ON = Map.of("cli", List.of("runtime", "http"));

    private final String root;

    public ArchitectureRules(String root) {
        this.root = root;
    }

    public ArchRule portsAndCoreUseNoFrameworks() {
        return noClasses().that().resideInAnyPackage(pkg("ports"), pkg("core"))
                .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORK_PACKAGES.toArray(String[]::new))
                .because("the domain and its ports hold no I/O library or framework: objects are built by Guice"
                        + " modules at the edge and I/O lives in adapters (DESIGN.md §1)");
    }

    public ArchRule portsDependOnlyOnPorts() {
        return noClasses().that().resideInAPackage(pkg("ports"))
                .should().dependOnClassesThat(taskhubClassesOutside("ports"))
                .because("ports is the bottom of the dependency graph: everything depends on it, it on nothing"
                        + " of Taskhub (DESIGN.md §1)")
                .allowEmptyShould(false);
    }

    public ArchRule coreDependsOnlyOnPorts() {
        return noClasses().that().resideInAPackage(pkg("core"))
                .should().dependOnClassesThat(taskhubClassesOutside("core", "ports"))
                .because("core implements the driving port over the driven port once for every backend; it"
                        + " knows no adapter and no sample (DESIGN.md §1)")
                .allowEmptyShould(true);
    }

    public ArchRule storageAdaptersDependOnlyOnPorts() {
        return composite("storage adapters depend on nothing of Taskhub but ports", STORAGE_ADAPTERS.stream()
                .map(adapter -> noClasses().that().resideInAPackage(pkg(adapter))
                        .should().dependOnClassesThat(taskhubClassesOutside(adapter, "ports"))
                        .because("a storage adapter implements the storage SPI only; lifecycle rules live in"
                                + " core, which drives the adapter (DESIGN.md §1)")
                        .allowEmptyShould(true))
                .toList());
    }

    public ArchRule adaptersDoNotDependOnEachOther() {
        List<ArchRule> rules = new ArrayList<>();
        for (String adapter : ADAPTERS) {
            if (adapter.equals(COMPOSITION_ROOT)) {
                continue;
            }
            List<String> allowed = BUILT_ON.getOrDefault(adapter, List.of());
            String[] others = ADAPTERS.stream().filter(other -> !other.equals(adapter) && !allowed.contains(other))
                    .map(this::pkg).toArray(String[]::new);
            rules.add(noClasses().that().resideInAPackage(pkg(adapter))
                    .should().dependOnClassesThat().resideInAnyPackage(others)
                    .because("adapters are independent plug-ins; only the composition root (" + COMPOSITION_ROOT
                            + ") assembles them (DESIGN.md §1)")
                    .allowEmptyShould(true));
        }
        return composite("no adapter depends on another, except the composition root " + COMPOSITION_ROOT,
                rules);
    }

    public ArchRule samplesDependOnlyOnPorts() {
        return noClasses().that().resideInAPackage(pkg("samples"))
                .should().dependOnClassesThat(taskhubClassesOutside("samples", "ports"))
                .because("the samples are a plugin like any user's: they use the public ports API only"
                        + " (DESIGN.md §1)")
                .allowEmptyShould(false);
    }

    public ArchRule remoteClientDependsOnlyOnPorts() {
        return noClasses().that().resideInAPackage(pkg("client"))
                .should().dependOnClassesThat(taskhubClassesOutside("client", "ports"))
                .because("the Java client is a library for other people's code: it speaks the HTTP API with the"
                        + " ports' types and brings nothing else of Taskhub")
                .allowEmptyShould(false);
    }

    public ArchRule guiceModulesLiveInAdapters() {
        return classes().that().resideInAPackage(root + "..").and().areAssignableTo("com.google.inject.Module")
                .should().resideInAnyPackage(ADAPTERS.stream().map(this::pkg).toArray(String[]::new))
                .because("each adapter contributes one Guice module and the composition root picks modules from"
                        + " configuration; core and ports are wired from outside and contain no module"
                        + " (DESIGN.md §1)")
                .allowEmptyShould(true);
    }

    public ArchRule onlyTheCodecKnowsJson() {
        return noClasses().that().resideInAPackage(pkg("ports")).and().resideOutsideOfPackage(pkg("ports.json"))
                .should().dependOnClassesThat().resideInAPackage("com.fasterxml.jackson..")
                .because("how values are stored is the JSON codec's business (ports.json): the domain types carry"
                        + " no serialisation framework");
    }

    public ArchRule noPackageCycles() {
        return slices().matching(root + ".(**)").should().beFreeOfCycles()
                .because("each package builds on the ones below it only, so that a rule is found, read and changed"
                        + " in one place and a package can be understood without the ones above it");
    }

    /** Every rule, for the self-test's completeness check. */
    public List<ArchRule> all() {
        return List.of(portsAndCoreUseNoFrameworks(), portsDependOnlyOnPorts(), coreDependsOnlyOnPorts(),
                storageAdaptersDependOnlyOnPorts(), adaptersDoNotDependOnEachOther(), samplesDependOnlyOnPorts(),
                remoteClientDependsOnlyOnPorts(), guiceModulesLiveInAdapters(), noPackageCycles(), onlyTheCodecKnowsJson());
    }

    /** {@code root.layer..}: a layer's package and its subpackages. */
    String pkg(String layer) {
        return root + "." + layer + "..";
    }

    private DescribedPredicate<JavaClass> taskhubClassesOutside(String... allowedLayers) {
        String[] allowed = Arrays.stream(allowedLayers).map(this::pkg).toArray(String[]::new);
        String allowedText = Arrays.stream(allowed).map(name -> "'" + name + "'").collect(Collectors.joining(" or "));
        return resideInAPackage(root + "..").and(not(resideInAnyPackage(allowed)))
                .as("reside in a package '%s..' but not in %s", root, allowedText);
    }

    private static ArchRule composite(String description, List<ArchRule> rules) {
        CompositeArchRule composite = CompositeArchRule.of(rules.get(0));
        for (ArchRule rule : rules.subList(1, rules.size())) {
            composite = composite.and(rule);
        }
        return composite.as(description);
    }
}
