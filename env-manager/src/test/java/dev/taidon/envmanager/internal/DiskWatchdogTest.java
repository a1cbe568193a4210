package dev.taidon.envmanager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.envmanager.SandboxId;
import dev.taidon.envmanager.ServerWrites;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When the disk watchdog walks a sandbox's files and when the last walk's figure stands. */
class DiskWatchdogTest {
  private static final long MB = 1L << 20;
  private static final long LIMIT = 1024 * MB;
  private static final long SERVER = 4242;
  private static final SandboxId SANDBOX = SandboxId.random();

  private final List<Boolean> answers = new ArrayList<>();
  private final DiskWatchdog watchdog = new DiskWatchdog(LIMIT, answers::add);
  private long dataBytes = 100 * MB;
  private int walks;
  private long now = TimeUnit.HOURS.toNanos(1);

  private long used(Optional<ServerWrites> writes) {
    return watchdog.used(SANDBOX, writes, () -> {
      walks++;
      return dataBytes;
    }, now);
  }

  private static Optional<ServerWrites> written(long server, long bytes) {
    return Optional.of(new ServerWrites(server, bytes));
  }

  @Test
  void aSandboxSeenForTheFirstTimeIsWalked() {
    assertThat(used(written(SERVER, 0))).isEqualTo(100 * MB);
    assertThat(walks).as("walks of a sandbox never measured").isEqualTo(1);
    assertThat(answers).containsExactly(true);
  }

  @Test
  void whileWhatTheServerWroteCannotReachTheLimitTheLastWalkStands() {
    used(written(SERVER, 0));
    dataBytes = 700 * MB;
    now += TimeUnit.MINUTES.toNanos(1);

    long answer = used(written(SERVER, 600 * MB));

    assertThat(walks).as("walks after 600 MB written from 100 MB, limit 1,024 MB").isEqualTo(1);
    assertThat(answer).as("the figure of the last walk").isEqualTo(100 * MB);
    assertThat(answers).containsExactly(true, false);
  }

  @Test
  void onceWhatTheServerWroteCouldReachTheLimitTheFilesAreWalked() {
    used(written(SERVER, 0));
    dataBytes = 1100 * MB;
    // 100 MB + 900 MB written + the uncounted 32 MB is past 1,024 MB.
    assertThat(used(written(SERVER, 900 * MB))).as("the data after 900 MB written").isEqualTo(1100 * MB);
    assertThat(walks).isEqualTo(2);
  }

  @Test
  void whatTheServerWroteIsCountedFromTheLastWalkNotFromTheStart() {
    used(written(SERVER, 0));
    used(written(SERVER, 900 * MB));
    dataBytes = 150 * MB;
    used(written(SERVER, 900 * MB));
    used(written(SERVER, 1500 * MB));

    assertThat(walks).as("walks: the first, at 900 MB written, none until 600 MB more were written since then, ...")
        .isEqualTo(2);
    used(written(SERVER, 1800 * MB));
    assertThat(walks).as("... and one once 900 MB more were written since the walk that found 150 MB").isEqualTo(3);
  }

  @Test
  void anotherServerIsWalkedAtOnce() {
    used(written(SERVER, 0));
    used(written(SERVER + 1, 0));
    assertThat(walks).as("walks after the server was started again").isEqualTo(2);
  }

  @Test
  void aServerThatCannotTellWhatItWroteIsWalkedEveryTime() {
    used(Optional.empty());
    used(Optional.empty());
    used(written(SERVER, 0));
    assertThat(walks).as("walks when the runtime cannot tell, and the first time it can").isEqualTo(3);
  }

  @Test
  void aCounterThatWentBackIsNotTrusted() {
    used(written(SERVER, 500 * MB));
    used(written(SERVER, 400 * MB));
    assertThat(walks).isEqualTo(2);
  }

  @Test
  void everySandboxIsWalkedAtLeastEveryTenMinutesWhateverItWrote() {
    used(written(SERVER, 0));
    now += DiskWatchdog.MEASURE_AT_LEAST_EVERY.toNanos() - 1;
    used(written(SERVER, 0));
    assertThat(walks).as("walks just before the interval").isEqualTo(1);
    now += 1;
    used(written(SERVER, 0));
    assertThat(walks).as("walks once the interval is over").isEqualTo(2);
  }

  @Test
  void aServerStartedOnACloneCountsAsWalkedAtTheStatesSizeWithNothingWritten() {
    watchdog.startedOnClone(SANDBOX, SERVER, 200 * MB, now);
    used(written(SERVER, 700 * MB));
    assertThat(walks).as("walks after 700 MB written on a clone of a 200 MB state").isZero();
    used(written(SERVER, 800 * MB));
    assertThat(walks).as("walks once 800 MB written could have reached the limit").isEqualTo(1);
  }

  @Test
  void aCloneRecordedForAnotherServerDoesNotCount() {
    watchdog.startedOnClone(SANDBOX, SERVER, 200 * MB, now);
    used(written(SERVER + 1, 0));
    assertThat(walks).as("walks of a server other than the one that started on the clone").isEqualTo(1);
  }

  @Test
  void aSandboxNoLongerPresentIsForgotten() {
    used(written(SERVER, 0));
    watchdog.retain(Set.of());
    used(written(SERVER, 0));
    assertThat(walks).as("walks of a sandbox that came back").isEqualTo(2);
  }
}
