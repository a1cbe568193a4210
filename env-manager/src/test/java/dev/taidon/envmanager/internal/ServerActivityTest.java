package dev.taidon.envmanager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fingerprint read from a {@code /proc} laid out as Linux lays it out; {@code ServerActivityIT} reads the real one. */
class ServerActivityTest {
  @TempDir
  Path proc;

  @ParameterizedTest
  @ValueSource(strings = {"postgres: checkpointer", "postgres: background writer", "postgres: walwriter",
      "postgres: autovacuum launcher", "postgres: logical replication launcher", "postgres: io worker 2"})
  void postgresOwnBackgroundProcessesAreToldByTheirTitles(String title) {
    assertThat(ServerActivity.isBackgroundProcess(title)).as("'%s' is a background process", title).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres: learner learner [local] idle", "postgres: learner checkpointer [local] SELECT",
      "postgres: autovacuum worker learner", "postgres: walwriterx", "checkpointer", ""})
  void sessionsWorkersAndUnknownProcessesAreNot(String title) {
    assertThat(ServerActivity.isBackgroundProcess(title)).as("'%s' counts as a session's work", title).isFalse();
  }

  @Test
  void backgroundProcessesMayWorkWithoutChangingTheFingerprint() throws IOException {
    process(100, "postgres -D /data", 5_000);
    process(101, "postgres: checkpointer", 1_000);
    process(102, "postgres: learner learner [local] idle", 7_000);
    children(100, "101 102");
    ServerActivity activity = new ServerActivity(proc);
    String before = activity.fingerprint(100).orElseThrow();

    process(101, "postgres: checkpointer", 9_999_999);

    assertThat(activity.fingerprint(100)).as("after the checkpointer worked").contains(before);
  }

  @Test
  void aSessionThatWorkedChangesTheFingerprint() throws IOException {
    process(100, "postgres -D /data", 5_000);
    process(102, "postgres: learner learner [local] idle", 7_000);
    children(100, "102");
    ServerActivity activity = new ServerActivity(proc);
    String before = activity.fingerprint(100).orElseThrow();

    process(102, "postgres: learner learner [local] idle", 7_001);

    assertThat(activity.fingerprint(100).orElseThrow()).as("after the session used a nanosecond").isNotEqualTo(before);
  }

  @Test
  void aSessionThatCameAndWentChangesItThroughThePostmaster() throws IOException {
    process(100, "postgres -D /data", 5_000);
    children(100, "");
    ServerActivity activity = new ServerActivity(proc);
    String before = activity.fingerprint(100).orElseThrow();

    process(100, "postgres -D /data", 5_090);

    assertThat(activity.fingerprint(100).orElseThrow()).as("after the postmaster forked and reaped a session")
        .isNotEqualTo(before);
  }

  @Test
  void aChildGoneWhileBeingReadCountsAsWork() throws IOException {
    process(100, "postgres -D /data", 5_000);
    children(100, "103");
    assertThat(new ServerActivity(proc).fingerprint(100)).hasValueSatisfying(
        fingerprint -> assertThat(fingerprint).contains("103:gone"));
  }

  @Test
  void aChildrenListItCannotReadMakesTheFingerprintUnknown() throws IOException {
    process(100, "postgres -D /data", 5_000);
    children(100, "101 garbage");
    assertThat(new ServerActivity(proc).fingerprint(100)).as("children listed as '101 garbage'").isEmpty();
  }

  @Test
  void withoutTheChildrenListTheFingerprintIsUnknown() throws IOException {
    process(100, "postgres -D /data", 5_000);
    assertThat(new ServerActivity(proc).fingerprint(100)).as("a kernel without /proc/PID/task/PID/children").isEmpty();
    assertThat(new ServerActivity(proc).fingerprint(4242)).as("a postmaster that is gone").isEmpty();
  }

  private void process(long pid, String title, long processorNanos) throws IOException {
    Path directory = Files.createDirectories(proc.resolve(Long.toString(pid)));
    // PostgreSQL pads its title with spaces and the kernel ends argv with NUL bytes.
    Files.write(directory.resolve("cmdline"), (title + "    \0\0\0").getBytes(StandardCharsets.UTF_8));
    Files.writeString(directory.resolve("schedstat"), processorNanos + " 2319 17\n");
  }

  private void children(long pid, String children) throws IOException {
    Path task = Files.createDirectories(proc.resolve(pid + "/task/" + pid));
    Files.writeString(task.resolve("children"), children.isEmpty() ? "" : children + " ");
  }
}
