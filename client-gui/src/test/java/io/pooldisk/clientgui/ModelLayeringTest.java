package io.pooldisk.clientgui;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The client's models hold state and properties only (javafx.beans, javafx.collections), never a node: they test
 * without a scene, and the views are the only classes that build one (as mvvmFX's view models; JabRef checks its
 * layering with ArchUnit the same way). A model here is a {@code *Model}, {@code ClientSession},
 * {@code TransferQueue} or {@code Transfer}, with the classes nested in it.
 */
@AnalyzeClasses(packages = "io.pooldisk.clientgui", importOptions = ImportOption.DoNotIncludeTests.class)
class ModelLayeringTest {

    @ArchTest
    static final ArchRule modelsDoNotTouchTheScene = noClasses()
            .that()
            .haveNameMatching(
                    "io\\.pooldisk\\.clientgui\\.(\\w+Model|ClientSession|TransferQueue|Transfer)" + "(\\$.*)?")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("javafx.scene..")
            .because("a model that holds no node tests without an FX thread; the views build the scene");
}
