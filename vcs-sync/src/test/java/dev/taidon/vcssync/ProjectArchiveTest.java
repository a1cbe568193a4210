package dev.taidon.vcssync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.util.unit.DataSize;

/**
 * Uploaded zip archives, well-formed and hostile: broken bytes at every place, truncation at every
 * length, names that are not UTF-8 or climb out of the project, entries given twice, bombs. An
 * archive is either read into files or refused with a typed error naming what is wrong.
 */
class ProjectArchiveTest {
  private static final ProjectLimits LIMITS = new ProjectLimits(50, 20, DataSize.ofKilobytes(64), DataSize.ofKilobytes(256));
  private static final Set<ErrorCode> REFUSALS = Set.of(ErrorCode.INVALID_ARGUMENT, ErrorCode.MALFORMED_REQUEST,
      ErrorCode.PAYLOAD_TOO_LARGE);

  @Test
  void aWellFormedArchiveIsReadWithoutItsCommonTopDirectory() throws IOException {
    List<ProjectFile> files = ProjectArchive.unzip(new ByteArrayInputStream(zip(Map.of(
        "repo-main/init/01.sql", "CREATE TABLE t (n int);", "repo-main/test/t.sql", "SELECT 1;"))), LIMITS);
    assertThat(files).extracting(ProjectFile::path).containsExactlyInAnyOrder("init/01.sql", "test/t.sql");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../evil.sql", "/etc/passwd", "init/../../x.sql", "init\\x.sql", "a/./b.sql", "init//x.sql",
      "init/\u0001.sql"})
  void entriesThatLeaveTheProjectOrBendItsPathsAreRefusedNamingThem(String name) throws IOException {
    assertThatThrownBy(() -> ProjectArchive.unzip(new ByteArrayInputStream(zip(Map.of(name, "x"))), LIMITS))
        .as("an archive with the entry %s", name)
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("file '");
  }

  @Test
  void anArchiveOfDirectoriesOnlyHoldsNoFiles() throws IOException {
    assertThatThrownBy(() -> ProjectArchive.unzip(new ByteArrayInputStream(zip(Map.of("init/", ""))), LIMITS))
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("no files");
  }

  @Test
  void anEntryNameThatIsNotUtf8IsRefused() throws IOException {
    byte[] archive = zip(Map.of("init/aXb.sql", "SELECT 1;"));
    replaceAll(archive, "aXb".getBytes(StandardCharsets.US_ASCII), new byte[] {'a', (byte) 0xFF, 'b'});
    assertRefused(archive, ErrorCode.INVALID_ARGUMENT, "an entry name with the byte 0xFF");
  }

  @Test
  void aBombStopsAtTheLimitWhileItUnpacks() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("init/big.sql"));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        zip.write(zeros); // 64 MiB of zeros compress to about 64 KiB
      }
      zip.closeEntry();
    }
    assertThat(bytes.size()).as("the bomb's own size").isLessThan(1 << 20);
    assertRefused(bytes.toByteArray(), ErrorCode.PAYLOAD_TOO_LARGE, "64 MiB of zeros");
  }

  @Test
  void anArchiveTruncatedAtAnyLengthIsReadOrRefused() throws IOException {
    byte[] archive = zip(Map.of("init/01.sql", "CREATE TABLE t (n int);\n".repeat(50), "seed/02.sql", "SELECT 1;"));
    for (int length = 0; length < archive.length; length++) {
      checkReadOrRefused(Arrays.copyOf(archive, length), "the archive cut at " + length + " of " + archive.length);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void anArchiveWithBrokenBytesAnywhereIsReadOrRefused(long seed) throws IOException {
    byte[] archive = zip(Map.of("init/01.sql", "CREATE TABLE t (n int);\n".repeat(50), "seed/02.sql", "SELECT 1;",
        "test/x.sql", "SELECT 2;"));
    Random random = new Random(seed);
    for (int round = 0; round < 3_000; round++) {
      byte[] broken = archive.clone();
      for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
        broken[random.nextInt(broken.length)] = (byte) random.nextInt(256);
      }
      checkReadOrRefused(broken, "seed " + seed + " round " + round);
    }
  }

  private static void checkReadOrRefused(byte[] archive, String what) {
    Throwable thrown = catchUnzip(archive);
    if (thrown == null) {
      return;
    }
    if (!(thrown instanceof TaidonException refused)) {
      fail(what + " threw " + thrown, thrown);
      return;
    }
    assertThat(REFUSALS).as("the error's code for %s: %s", what, refused.getMessage()).contains(refused.code());
  }

  private static Throwable catchUnzip(byte[] archive) {
    try {
      List<ProjectFile> files = ProjectArchive.unzip(new ByteArrayInputStream(archive), LIMITS);
      files.forEach(file -> ProjectLimits.checkPath(file.path()));
      return null;
    } catch (RuntimeException | OutOfMemoryError e) {
      return e;
    }
  }

  private static void assertRefused(byte[] archive, ErrorCode code, String what) {
    assertThatThrownBy(() -> ProjectArchive.unzip(new ByteArrayInputStream(archive), LIMITS)).as(what)
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  private static byte[] zip(Map<String, String> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, String> entry : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(entry.getKey()));
        zip.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  /** Replaces every occurrence (local header and central directory) of a name with another of the same length. */
  private static void replaceAll(byte[] archive, byte[] from, byte[] to) {
    int replaced = 0;
    for (int i = 0; i + from.length <= archive.length; i++) {
      if (Arrays.equals(archive, i, i + from.length, from, 0, from.length)) {
        System.arraycopy(to, 0, archive, i, to.length);
        replaced++;
      }
    }
    assertThat(replaced).as("occurrences of the name replaced").isGreaterThanOrEqualTo(2);
  }
}
