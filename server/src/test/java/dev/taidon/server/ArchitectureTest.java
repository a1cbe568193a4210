package dev.taidon.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.taidon.core.role.RoleModule;
import org.junit.jupiter.api.Test;

/**
 * The module rules: roles talk to each other only through the API at their package root, never
 * through another role's {@code internal} package, and no packages depend on each other in a cycle.
 */
class ArchitectureTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.taidon");

  @Test
  void noRoleReachesIntoAnotherRolesInternals() {
    for (RoleModule role : Roles.graph().roles()) {
      String rolePackage = role.basePackage();
      noClasses().that().resideOutsideOfPackage(rolePackage + "..")
          .should().dependOnClassesThat().resideInAPackage(rolePackage + ".internal..")
          .as("only the " + role.name() + " role itself uses " + rolePackage + ".internal")
          .check(CLASSES);
    }
  }

  @Test
  void everyRoleKeepsItsConfigurationInItsInternalPackage() {
    for (RoleModule role : Roles.graph().roles()) {
      org.assertj.core.api.Assertions.assertThat(role.configuration().getPackageName())
          .as("configuration package of " + role.name()).isEqualTo(role.basePackage() + ".internal");
    }
  }

  @Test
  void theSharedModulesDependOnNoRole() {
    String[] rolePackages = Roles.graph().roles().stream()
        .map(role -> role.basePackage() + "..").toArray(String[]::new);
    noClasses().that().resideInAnyPackage("dev.taidon.core..", "dev.taidon.pg..")
        .should().dependOnClassesThat().resideInAnyPackage(rolePackages)
        .as("platform-core and pg-engine serve every role and know none")
        .check(CLASSES);
  }

  @Test
  void modulesAreFreeOfCycles() {
    slices().matching("dev.taidon.(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void externalCommandsGoThroughTheCommandRunner() {
    noClasses().that().resideOutsideOfPackages("dev.taidon.core.command..", "dev.taidon.testkit..")
        .should().dependOnClassesThat().haveFullyQualifiedName(ProcessBuilder.class.getName())
        .as("external commands go through CommandRunner")
        .check(CLASSES);
  }
}
