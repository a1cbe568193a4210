package dev.taidon.envmanager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a server wrote, read from a {@code /proc} laid out as Linux lays it out; {@code WriteAccountingIT} reads the real one. */
class WriteAccountingTest {
  @TempDir
  Path proc;

  @Test
  void thePostmasterAndEveryChildAreAddedUp() throws IOException {
    process(100, 5_000);
    process(101, 700);
    process(102, 30);
    children(100, "101 102");
    assertThat(new WriteAccounting(proc).bytesWritten(100)).hasValue(5_730);
  }

  @Test
  void aChildGoneFromProcIsCountedInThePostmasterThatReapedIt() throws IOException {
    process(100, 5_000);
    children(100, "103");
    assertThat(new WriteAccounting(proc).bytesWritten(100)).as("a listed child without /proc entry").hasValue(5_000);
  }

  @Test
  void aServerWithoutChildrenIsItsPostmaster() throws IOException {
    process(100, 12);
    children(100, "");
    assertThat(new WriteAccounting(proc).bytesWritten(100)).hasValue(12);
  }

  @Test
  void aChildrenListItCannotReadMakesTheFigureUnknown() throws IOException {
    process(100, 5_000);
    children(100, "101 garbage");
    assertThat(new WriteAccounting(proc).bytesWritten(100)).as("children listed as '101 garbage'").isEmpty();
  }

  @Test
  void accountingItCannotUnderstandMakesTheFigureUnknown() throws IOException {
    process(100, 5_000);
    children(100, "101");
    Files.createDirectories(proc.resolve("101"));
    Files.writeString(proc.resolve("101/io"), "rchar: 12\nwchar: lots\n");
    assertThat(new WriteAccounting(proc).bytesWritten(100)).as("a child's wchar that is no number").isEmpty();

    Files.writeString(proc.resolve("101/io"), "rchar: 12\n");
    assertThat(new WriteAccounting(proc).bytesWritten(100)).as("a child's accounting without wchar").isEmpty();

    Files.writeString(proc.resolve("101/io"), "wchar: -5\n");
    assertThat(new WriteAccounting(proc).bytesWritten(100)).as("a negative wchar").isEmpty();
  }

  @Test
  void withoutTheChildrenListOrThePostmasterTheFigureIsUnknown() throws IOException {
    process(100, 5_000);
    assertThat(new WriteAccounting(proc).bytesWritten(100)).as("a kernel without /proc/PID/task/PID/children").isEmpty();
    assertThat(new WriteAccounting(proc).bytesWritten(4242)).as("a postmaster that is gone").isEmpty();
    children(200, "");
    assertThat(new WriteAccounting(proc).bytesWritten(200)).as("a kernel without /proc/PID/io").isEmpty();
  }

  private void process(long pid, long written) throws IOException {
    Path directory = Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.writeString(directory.resolve("io"), "rchar: 99999\nwchar: " + written + "\nsyscr: 10\nsyscw: 3\n"
        + "read_bytes: 0\nwrite_bytes: 4096\ncancelled_write_bytes: 0\n");
  }

  private void children(long pid, String children) throws IOException {
    Path task = Files.createDirectories(proc.resolve(pid + "/task/" + pid));
    Files.writeString(task.resolve("children"), children.isEmpty() ? "" : children + " ");
  }
}
