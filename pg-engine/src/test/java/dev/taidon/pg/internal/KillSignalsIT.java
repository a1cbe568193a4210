package dev.taidon.pg.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.pg.ProcessSignals;
import dev.taidon.pg.ProcessSignals.Signal;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** kill(2) on real processes. */
class KillSignalsIT {
  private final ProcessSignals signals = KillSignals.shared().orElseThrow(
      () -> new AssertionError("JNA did not load on this machine; see the warning logged above"));

  @Test
  void eachSignalEndsAProcessThatDoesNotHandleIt() throws Exception {
    for (Signal signal : Signal.values()) {
      Process sleeper = new ProcessBuilder("sleep", "60").start();
      signals.send(sleeper.pid(), signal);
      assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).as("sleep ended within 10 s of SIG%s", signal).isTrue();
      assertThat(sleeper.exitValue()).as("exit status of sleep killed by SIG%s (128 + its number)", signal)
          .isEqualTo(128 + signal.number());
    }
  }

  @Test
  void aProcessThatHasAlreadyExitedIsNotAnError() throws Exception {
    Process done = new ProcessBuilder("true").start();
    done.waitFor();
    signals.send(done.pid(), Signal.INT);
  }

  @Test
  void refusesPidsThatMeanWholeGroupsOrInit() {
    for (long pid : new long[] {-1, 0, 1, 1L << 40}) {
      assertThatThrownBy(() -> signals.send(pid, Signal.KILL)).as("signal to pid %d", pid)
          .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
  }
}
