package dev.taidon.pg.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

class BinaryArchiveTest {

  @Test
  void unpacksFilesLinksAndModesIntoPlace(@TempDir Path base) throws Exception {
    byte[] archive = txz(tar -> {
      file(tar, "bin/postgres", "#!/bin/sh\n", 0755);
      file(tar, "lib/libpq.so.5.18", "lib", 0644);
      link(tar, "lib/libpq.so.5", "libpq.so.5.18", TarConstants.LF_SYMLINK);
    });
    Path target = base.resolve("postgresql-18.3.0");
    BinaryArchive.unpackAtomically(new ByteArrayInputStream(archive), target);
    assertThat(Files.isExecutable(target.resolve("bin/postgres"))).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("bin/postgres"))))
        .as("executables must be runnable by PostgreSQL's own account").isEqualTo("rwxr-xr-x");
    assertThat(Files.readString(target.resolve("lib/libpq.so.5"))).isEqualTo("lib");
    try (var siblings = Files.list(base)) {
      assertThat(siblings).as("no temporary directory is left").containsExactly(target);
    }
  }

  @Test
  void refusesEntriesThatEscapeTheTargetAndLeavesNothingBehind(@TempDir Path base) throws Exception {
    byte[] archive = txz(tar -> file(tar, "../../etc/evil", "x", 0644));
    Path target = base.resolve("engine");
    assertThatThrownBy(() -> BinaryArchive.unpackAtomically(new ByteArrayInputStream(archive), target))
        .isInstanceOf(IOException.class).hasMessageContaining("escapes the target");
    assertThat(target).doesNotExist();
    try (var siblings = Files.list(base)) {
      assertThat(siblings).isEmpty();
    }
  }

  @Test
  void refusesLinksThatPointOutsideTheTarget(@TempDir Path base) throws Exception {
    byte[] symlink = txz(tar -> link(tar, "lib/passwd", "../../../../etc/passwd", TarConstants.LF_SYMLINK));
    assertThatThrownBy(() -> BinaryArchive.unpackAtomically(new ByteArrayInputStream(symlink), base.resolve("a")))
        .hasMessageContaining("outside the target");
    byte[] hardlink = txz(tar -> link(tar, "lib/shadow", "../../etc/shadow", TarConstants.LF_LINK));
    assertThatThrownBy(() -> BinaryArchive.unpackAtomically(new ByteArrayInputStream(hardlink), base.resolve("b")))
        .hasMessageContaining("outside the target");
  }

  @Test
  void refusesACorruptArchive(@TempDir Path base) {
    byte[] garbage = "not an xz stream".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> BinaryArchive.unpackAtomically(new ByteArrayInputStream(garbage), base.resolve("c")))
        .isInstanceOf(IOException.class);
    assertThat(base.resolve("c")).doesNotExist();
  }

  @Test
  void keepsTheCopyOfAProcessThatFinishedFirst(@TempDir Path base) throws Exception {
    Path target = Files.createDirectories(base.resolve("engine/bin"));
    Files.writeString(target.resolve("postgres"), "first");
    byte[] archive = txz(tar -> file(tar, "bin/postgres", "second", 0755));
    BinaryArchive.unpackAtomically(new ByteArrayInputStream(archive), base.resolve("engine"));
    assertThat(Files.readString(target.resolve("postgres"))).isEqualTo("first");
  }

  interface Entries {
    void write(TarArchiveOutputStream tar) throws IOException;
  }

  private static byte[] txz(Entries entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (XZOutputStream xz = new XZOutputStream(bytes, new LZMA2Options());
        TarArchiveOutputStream tar = new TarArchiveOutputStream(xz)) {
      entries.write(tar);
    }
    return bytes.toByteArray();
  }

  private static void file(TarArchiveOutputStream tar, String name, String content, int mode) throws IOException {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(data.length);
    entry.setMode(mode);
    tar.putArchiveEntry(entry);
    tar.write(data);
    tar.closeArchiveEntry();
  }

  private static void link(TarArchiveOutputStream tar, String name, String target, byte type) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name, type);
    entry.setLinkName(target);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
  }
}
