package dev.taidon.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskUsageTest {
  @TempDir
  Path directory;

  @Test
  void countsTheFilesOfTheWholeTree() throws Exception {
    Files.write(directory.resolve("a"), new byte[1000]);
    Files.createDirectories(directory.resolve("base/5"));
    Files.write(directory.resolve("base/5/16384"), new byte[8192 * 3]);
    Files.write(directory.resolve("base/5/16384_fsm"), new byte[0]);

    assertThat(DiskUsage.bytes(directory)).as("1000 + 3 pages of 8 kB").isEqualTo(1000 + 8192 * 3);
  }

  @Test
  void aLinkOutOfTheTreeIsNotFollowed(@TempDir Path elsewhere) throws Exception {
    Files.write(elsewhere.resolve("big"), new byte[100_000]);
    Files.createSymbolicLink(directory.resolve("link"), elsewhere);
    Files.createSymbolicLink(directory.resolve("file-link"), elsewhere.resolve("big"));
    Files.write(directory.resolve("own"), new byte[10]);

    assertThat(DiskUsage.bytes(directory)).as("only the tree's own file").isEqualTo(10);
  }

  @Test
  void aMissingDirectoryTakesNoSpace() {
    assertThat(DiskUsage.bytes(directory.resolve("gone"))).isZero();
    assertThat(DiskUsage.bytes(directory)).as("an empty directory").isZero();
  }
}
