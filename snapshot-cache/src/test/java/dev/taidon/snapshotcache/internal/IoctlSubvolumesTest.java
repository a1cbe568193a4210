package dev.taidon.snapshotcache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.NativeCalls;
import dev.taidon.core.TaidonException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where the ioctls run, with a C library that only records its calls: a virtual thread's calls on a
 * platform thread ({@code NativeCallsTest} shows why), descriptors closed, errors mapped.
 */
class IoctlSubvolumesTest {
  private final ExecutorService kernelCalls = Executors.newFixedThreadPool(64, task -> {
    Thread thread = new Thread(task, "test-kernel-call");
    thread.setDaemon(true);
    return thread;
  });

  @AfterEach
  void stop() {
    kernelCalls.shutdownNow();
  }

  @Test
  void aVirtualThreadsSnapshotRunsOnAPlatformThreadAndReturnsAfterIt() throws Exception {
    RecordingLibC libc = new RecordingLibC();
    IoctlSubvolumes subvolumes = new IoctlSubvolumes(libc, new NativeCalls(kernelCalls));

    Thread caller = Thread.ofVirtual().start(() -> subvolumes.snapshot(Path.of("/store/a"), Path.of("/store/b"), true));
    caller.join();

    assertThat(libc.ioctlThreads).as("threads the snapshot's ioctl ran on").hasSize(1);
    assertThat(libc.ioctlThreads.getFirst().isVirtual()).as("the ioctl ran on a virtual thread, pinning its carrier")
        .isFalse();
    assertThat(libc.ioctlThreads.getFirst().getName()).isEqualTo("test-kernel-call");
    assertThat(libc.openFds).as("descriptors still open after the call").isEmpty();
  }

  @Test
  void aPlatformThreadMakesItsCallItself() {
    RecordingLibC libc = new RecordingLibC();
    IoctlSubvolumes subvolumes = new IoctlSubvolumes(libc, new NativeCalls(kernelCalls));

    subvolumes.delete(Path.of("/store/old"));

    assertThat(libc.ioctlThreads).containsExactly(Thread.currentThread());
  }

  @Test
  void aFullStoreReachesTheVirtualThreadAsStoreFull() throws Exception {
    RecordingLibC libc = new RecordingLibC();
    libc.ioctlErrno = 28;
    IoctlSubvolumes subvolumes = new IoctlSubvolumes(libc, new NativeCalls(kernelCalls));
    AtomicReference<Throwable> thrown = new AtomicReference<>();

    Thread caller = Thread.ofVirtual().start(() -> {
      try {
        subvolumes.snapshot(Path.of("/store/a"), Path.of("/store/b"), false);
      } catch (Throwable e) {
        thrown.set(e);
      }
    });
    caller.join();

    assertThat(thrown.get()).as("what the virtual thread's snapshot threw").isInstanceOf(TaidonException.class);
    assertThat(((TaidonException) thrown.get()).code()).isEqualTo(ErrorCode.STORE_FULL);
    assertThat(libc.openFds).as("descriptors still open after the failed call").isEmpty();
  }

  /** A C library that hands out descriptors and records on which threads its ioctls ran. */
  private static final class RecordingLibC implements IoctlSubvolumes.LibC {
    final List<Thread> ioctlThreads = new CopyOnWriteArrayList<>();
    final List<Integer> openFds = new CopyOnWriteArrayList<>();
    volatile int ioctlErrno;
    private int nextFd = 10;

    @Override
    public synchronized int open(String path, int flags) {
      int fd = nextFd++;
      openFds.add(fd);
      return fd;
    }

    @Override
    public int close(int fd) {
      openFds.remove(Integer.valueOf(fd));
      return 0;
    }

    @Override
    public int ioctl(int fd, NativeLong request, Pointer argument) {
      ioctlThreads.add(Thread.currentThread());
      if (ioctlErrno != 0) {
        throw new LastErrorException(ioctlErrno);
      }
      return 0;
    }

    @Override
    public String strerror(int errno) {
      return errno == 28 ? "No space left on device" : "error " + errno;
    }
  }
}
