package io.taskhub.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.taskhub.architecture.fixtures.cli.CliUsingSqlite;
import io.taskhub.architecture.fixtures.client.ClientUsingCore;
import io.taskhub.architecture.fixtures.core.CoreFrameworkUsers;
import io.taskhub.architecture.fixtures.cycle.first.FirstOfACycle;
import io.taskhub.architecture.fixtures.core.CoreModule;
import io.taskhub.architecture.fixtures.core.CoreUsingSqlite;
import io.taskhub.architecture.fixtures.http.HttpUsingAzure;
import io.taskhub.architecture.fixtures.ports.AnnotatedEvent;
import io.taskhub.architecture.fixtures.ports.PortUsingCore;
import io.taskhub.architecture.fixtures.ports.PortUsingJavalin;
import io.taskhub.architecture.fixtures.postgres.PostgresUsingSqlite;
import io.taskhub.architecture.fixtures.samples.SampleUsingCore;
import io.taskhub.architecture.fixtures.sqlite.SqliteUsingCore;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proves that every rule catches what it should, and only that: the rules run over fixture classes that
 * mirror the product's layers under {@code io.taskhub.architecture.fixtures}, and each rule must flag
 * exactly the fixtures built to break it. Without this, rules over still-empty adapter packages would pass
 * whether they were right or not.
 */
class ArchitectureRulesSelfTest {
    private static final String FIXTURES = "io.taskhub.architecture.fixtures";
    private static final ArchitectureRules RULES = new ArchitectureRules(FIXTURES);
    private static final JavaClasses FIXTURE_CLASSES = new ClassFileImporter().importPackages(FIXTURES);

    /** @param classes what the rule is evaluated on: the fixtures, or a part of them */
    record Expectation(String name, ArchRule rule, Set<Class<?>> violators, JavaClasses classes) {
        Expectation(String name, ArchRule rule, Set<Class<?>> violators) {
            this(name, rule, violators, FIXTURE_CLASSES);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Expectation> expectations() {
        Set<Class<?>> frameworkUsers = Stream.concat(
                Arrays.stream(CoreFrameworkUsers.class.getDeclaredClasses()),
                Stream.of(PortUsingJavalin.class, CoreModule.class)).collect(Collectors.toSet());
        return List.of(
                new Expectation("portsAndCoreUseNoFrameworks", RULES.portsAndCoreUseNoFrameworks(), frameworkUsers),
                new Expectation("portsDependOnlyOnPorts", RULES.portsDependOnlyOnPorts(),
                        Set.of(PortUsingCore.class)),
                new Expectation("coreDependsOnlyOnPorts", RULES.coreDependsOnlyOnPorts(),
                        Set.of(CoreUsingSqlite.class)),
                new Expectation("storageAdaptersDependOnlyOnPorts", RULES.storageAdaptersDependOnlyOnPorts(),
                        Set.of(SqliteUsingCore.class, PostgresUsingSqlite.class)),
                new Expectation("adaptersDoNotDependOnEachOther", RULES.adaptersDoNotDependOnEachOther(),
                        Set.of(PostgresUsingSqlite.class, HttpUsingAzure.class, CliUsingSqlite.class)),
                new Expectation("samplesDependOnlyOnPorts", RULES.samplesDependOnlyOnPorts(),
                        Set.of(SampleUsingCore.class)),
                new Expectation("remoteClientDependsOnlyOnPorts", RULES.remoteClientDependsOnlyOnPorts(),
                        Set.of(ClientUsingCore.class)),
                new Expectation("guiceModulesLiveInAdapters", RULES.guiceModulesLiveInAdapters(),
                        Set.of(CoreModule.class)),
                // On the cycle's own fixtures: those built to break the other rules close cycles too.
                new Expectation("noPackageCycles", RULES.noPackageCycles(), Set.of(FirstOfACycle.class),
                        new ClassFileImporter().importPackages(FIXTURES + ".cycle")),
                new Expectation("onlyTheCodecKnowsJson", RULES.onlyTheCodecKnowsJson(),
                        Set.of(AnnotatedEvent.class)));
    }

    /**
     * Exactly: the fixtures that obey the rules, the composition root wiring every adapter, adapter Guice
     * modules and a storage adapter using JDBC among them, must not be flagged.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("expectations")
    void rule_flagsExactlyTheFixturesThatBreakIt(Expectation expectation) {
        EvaluationResult result = expectation.rule().evaluate(expectation.classes());

        assertThat(result.hasViolation()).as("%s has a violation", expectation.name()).isTrue();
        assertThat(violatingClasses(result))
                .as("classes flagged by %s", expectation.name())
                .containsExactlyInAnyOrderElementsOf(names(expectation.violators()));
    }

    @Test
    void frameworkRule_knowsEveryBannedLibrary_oneFixtureEach() {
        assertThat(CoreFrameworkUsers.class.getDeclaredClasses()).hasSize(ArchitectureRules.FRAMEWORK_PACKAGES.size());
    }

    @Test
    void everyRule_hasAnExpectation_andIsCheckedOnTheProduct() throws IllegalAccessException {
        Set<String> defined = descriptions(RULES.all());
        assertThat(descriptions(expectations().stream().map(Expectation::rule).toList())).isEqualTo(defined);

        List<ArchRule> checked = new ArrayList<>();
        for (Field field : ArchitectureTest.class.getDeclaredFields()) {
            if (field.isAnnotationPresent(ArchTest.class) && Modifier.isStatic(field.getModifiers())) {
                field.setAccessible(true);
                checked.add((ArchRule) field.get(null));
            }
        }
        assertThat(descriptions(checked)).isEqualTo(descriptions(ArchitectureRules.PRODUCT.all()));
        assertThat(checked).hasSameSizeAs(RULES.all());
    }

    /**
     * The classes a result reports as the origin of a violation. Each detail line starts with its origin in
     * angle brackets: {@code Field <a.B.field> has type <c.D> ...} or {@code Class <a.B> extends ...}.
     */
    private static Set<String> violatingClasses(EvaluationResult result) {
        List<String> origins = result.getFailureReport().getDetails().stream()
                .map(line -> line.substring(line.indexOf('<') + 1))
                .toList();
        return FIXTURE_CLASSES.stream()
                .map(JavaClass::getName)
                .filter(name -> origins.stream()
                        .anyMatch(origin -> origin.startsWith(name + ">") || origin.startsWith(name + ".")))
                .collect(Collectors.toSet());
    }

    private static Set<String> names(Set<Class<?>> classes) {
        return classes.stream().map(Class::getName).collect(Collectors.toSet());
    }

    private static Set<String> descriptions(List<ArchRule> rules) {
        return rules.stream().map(ArchRule::getDescription)
                .map(description -> description.replace(FIXTURES, ProductClasses.ROOT_PACKAGE))
                .collect(Collectors.toSet());
    }
}
