package io.pooldisk;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * The layering of the engine, checked on its compiled classes (not its tests): who may depend on whom. From the
 * bottom up: {@code unix}, {@code protocol} and {@code control} (the master-worker contract) stand alone;
 * {@code client} uses the protocol only; {@code disk} and then {@code auth} build on those; the master ({@code pool})
 * and the workers ({@code worker}) share {@code control} and never name each other; {@code cli} sits on top.
 * {@code protocol} and {@code client} are the module engine/protocol, found on this module's class path; every rule
 * fails if it finds no class to check.
 */
@AnalyzeClasses(packages = "io.pooldisk", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule noPackageCycles =
            slices().matching("io.pooldisk.(*)..").should().beFreeOfCycles().allowEmptyShould(false);

    @ArchTest
    static final ArchRule masterDoesNotUseWorkerCode = noClasses()
            .that()
            .resideInAPackage("io.pooldisk.pool..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.pooldisk.worker..")
            .because("the master and its workers share only io.pooldisk.control")
            .allowEmptyShould(false);

    @ArchTest
    static final ArchRule workerDoesNotUseMasterCode = noClasses()
            .that()
            .resideInAPackage("io.pooldisk.worker..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.pooldisk.pool..")
            .because("the master and its workers share only io.pooldisk.control")
            .allowEmptyShould(false);

    @ArchTest
    static final ArchRule unixStandsAlone = usesNothingOfOursBut("unix");

    @ArchTest
    static final ArchRule protocolStandsAlone = usesNothingOfOursBut("protocol");

    @ArchTest
    static final ArchRule controlStandsAlone = usesNothingOfOursBut("control");

    @ArchTest
    static final ArchRule clientUsesOnlyTheProtocol = usesNothingOfOursBut("client", "protocol");

    @ArchTest
    static final ArchRule clientNeedsNoServerLibrary = noClasses()
            .that()
            .resideInAnyPackage("io.pooldisk.protocol..", "io.pooldisk.client..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.sqlite..", "jnr..", "com.kenai..", "picocli..", "org.jline..", "com.fasterxml..")
            .because("engine/protocol is all a client needs, without the server's libraries")
            .allowEmptyShould(false);

    @ArchTest
    static final ArchRule jnrOnlyInUnix = noClasses()
            .that()
            .resideOutsideOfPackage("io.pooldisk.unix..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("jnr..")
            .because("native calls go through io.pooldisk.unix")
            .allowEmptyShould(false);

    @ArchTest
    static final ArchRule noJavaFx = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAPackage("javafx..")
            .because("the engine is the server without a screen")
            .allowEmptyShould(false);

    /** Classes of {@code io.pooldisk.<pkg>} depend on no other package of ours than the {@code allowed} ones. */
    private static ArchRule usesNothingOfOursBut(String pkg, String... allowed) {
        String[] own = Stream.concat(Stream.of(pkg), Arrays.stream(allowed))
                .map(p -> "io.pooldisk." + p + "..")
                .toArray(String[]::new);
        return noClasses()
                .that()
                .resideInAPackage("io.pooldisk." + pkg + "..")
                .should()
                .dependOnClassesThat(resideInAPackage("io.pooldisk..").and(resideOutsideOfPackages(own)))
                .as("io.pooldisk." + pkg + " should depend on no other package of ours"
                        + (allowed.length == 0 ? "" : " than " + String.join(", ", allowed)))
                .allowEmptyShould(false);
    }
}
