package io.pooldisk.console;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The console's models ({@code PoolModel}, {@code SettingsModel}, {@code UsersModel}: every {@code *Model}, with
 * the classes nested in it) hold properties and lists, never a node; the views build the scene.
 */
@AnalyzeClasses(packages = "io.pooldisk.console", importOptions = ImportOption.DoNotIncludeTests.class)
class ModelLayeringTest {

    @ArchTest
    static final ArchRule modelsDoNotTouchTheScene = noClasses()
            .that()
            .haveNameMatching("io\\.pooldisk\\.console\\.\\w+Model(\\$.*)?")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("javafx.scene..")
            .because("a model that holds no node tests without an FX thread; the views build the scene");
}
