package dev.aether.examples.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module table of the README, checked on the compiled main classes of every module (this module
 * depends on all of them): dependencies only point down (core, then runtime, then model; nats on core only; cluster on runtime and nats; nothing on the server),
 * and no module uses a package another module keeps to itself.
 */
class ModuleDependenciesTest {

  private static final String[] CORE = {"dev.aether", "dev.aether.event..", "dev.aether.store..",
      "dev.aether.bus..", "dev.aether.support.."};
  private static JavaClasses main;

  /** Main classes only, from target/classes (mvn test) or from the modules' jars (mvn verify). */
  @BeforeAll
  static void importMainClasses() {
    main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.aether");
  }

  @Test
  void core_dependsOnNoOtherModule() {
    noClasses().that().resideInAnyPackage(CORE).should().dependOnClassesThat()
        .resideInAnyPackage("dev.aether.runtime..", "dev.aether.model..", "dev.aether.nats..",
            "dev.aether.cluster..", "dev.aether.testkit..", "dev.aether.server..", "dev.aether.examples..")
        .check(main);
  }

  @Test
  void runtime_dependsOnCoreOnly() {
    noClasses().that().resideInAPackage("dev.aether.runtime..").should().dependOnClassesThat()
        .resideInAnyPackage("dev.aether.model..", "dev.aether.nats..", "dev.aether.cluster..", "dev.aether.testkit..",
            "dev.aether.server..", "dev.aether.examples..")
        .check(main);
  }

  @Test
  void nats_dependsOnCoreOnly() {
    noClasses().that().resideInAPackage("dev.aether.nats..").should().dependOnClassesThat()
        .resideInAnyPackage("dev.aether.runtime..", "dev.aether.model..", "dev.aether.cluster..", "dev.aether.testkit..",
            "dev.aether.server..", "dev.aether.examples..")
        .check(main);
  }

  @Test
  void model_dependsOnRuntimeAndCoreOnly() {
    noClasses().that().resideInAPackage("dev.aether.model..").should().dependOnClassesThat()
        .resideInAnyPackage("dev.aether.nats..", "dev.aether.cluster..", "dev.aether.testkit..",
            "dev.aether.server..", "dev.aether.examples..")
        .check(main);
  }

  @Test
  void cluster_dependsOnRuntimeNatsAndCoreOnly() {
    noClasses().that().resideInAPackage("dev.aether.cluster..").should().dependOnClassesThat()
        .resideInAnyPackage("dev.aether.model..", "dev.aether.testkit..", "dev.aether.server..", "dev.aether.examples..")
        .check(main);
  }

  @Test
  void noInternalPackage_isUsedAcrossModules() {
    noClasses().that().resideOutsideOfPackages(CORE).should().dependOnClassesThat()
        .resideInAPackage("..internal..")
        .check(main);
  }
}
