package dev.taidon.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ProcessIdentity;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SandboxBenchmarkTest {
  @Test
  void withoutOptionsItMeasuresEveryStoreThisMachineCanMount() {
    SandboxBenchmark.Options options = SandboxBenchmark.Options.parse(new String[0]);

    assertThat(options.hot()).as("hot sandboxes in the density count").isEqualTo(100);
    assertThat(options.stores()).as("stores measured by default")
        .isEqualTo(ProcessIdentity.isRoot() ? Set.of("btrfs", "reflink", "copy") : Set.of("copy"));
  }

  @Test
  void choosesStoresAndTheDensityCount() {
    SandboxBenchmark.Options options = SandboxBenchmark.Options.parse(new String[] {"--stores", "copy", "--hot", "0"});

    assertThat(options.stores()).containsExactly("copy");
    assertThat(options.hot()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"--hot", "--hot=5", "--hot x", "--hot -1", "--hot 2001", "--hot 99999999999", "--stores",
      "--stores zfs", "--stores ,", "--stores btrfs,zfs", "--color red"})
  void refusesABrokenCommandLineWithAMessage(String commandLine) {
    assertThatThrownBy(() -> SandboxBenchmark.Options.parse(commandLine.split(" ")))
        .as("options '%s' should be refused", commandLine)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(commandLine.split(" ")[0]);
  }
}
