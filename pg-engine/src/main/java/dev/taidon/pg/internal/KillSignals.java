package dev.taidon.pg.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.pg.ProcessSignals;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/** Signals sent by {@code kill(2)} through JNA. */
public final class KillSignals implements ProcessSignals {
  /** {@code ESRCH}: no such process (it has exited). */
  static final int ESRCH = 3;
  static final int EPERM = 1;

  /** The C library function used, mapped by JNA; a failing call throws with its errno. */
  interface LibC extends Library {
    int kill(int pid, int signal) throws LastErrorException;
  }

  private final LibC libc;

  private KillSignals(LibC libc) {
    this.libc = libc;
  }

  /** The process's one instance; empty where JNA's native part cannot load. */
  public static Optional<ProcessSignals> shared() {
    return Loaded.SIGNALS;
  }

  /** Loaded on first use, and only once: a failure is logged once, not per server. */
  private static final class Loaded {
    static final Optional<ProcessSignals> SIGNALS = load();

    private static Optional<ProcessSignals> load() {
      try {
        return Optional.of(new KillSignals(Native.load("c", LibC.class)));
      } catch (LinkageError | RuntimeException e) {
        LoggerFactory.getLogger(ProcessSignals.class).warn("PostgreSQL servers are stopped through the kill command,"
            + " a process start each, because the native bridge (JNA) did not load: {}. A temporary directory"
            + " mounted noexec is the usual cause: point -Djna.tmpdir at a directory that allows executables.",
            e.toString());
        return Optional.empty();
      }
    }
  }

  @Override
  public void send(long pid, Signal signal) {
    if (pid <= 1 || pid > Integer.MAX_VALUE) {
      // kill(2) reads 0 and -1 as "every process of the group" and "every process": never wanted.
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "not a process id to signal: " + pid);
    }
    try {
      libc.kill((int) pid, signal.number());
    } catch (LastErrorException e) {
      if (e.getErrorCode() == ESRCH) {
        return;
      }
      String errno = e.getErrorCode() == EPERM ? "EPERM" : "errno " + e.getErrorCode();
      throw new TaidonException(ErrorCode.SYSTEM_CALL_FAILED,
          "kill(" + pid + ", SIG" + signal + ") failed: " + errno + " (" + e.getMessage() + ")");
    }
  }

  @Override
  public String how() {
    return "kill(2)";
  }
}
