package dev.taidon.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Native calls of virtual threads on platform threads: with a call that really blocks in native
 * code ({@code usleep(3)} through JNA), which keeps a virtual thread's carrier as an ioctl does.
 */
class NativeCallsTest {
  /** Generous: each wait below ends at once unless the code under test is wrong. */
  private static final long HANG_GUARD_SECONDS = 30;

  /** {@code usleep(3)}: a call that blocks in native code, as an ioctl waiting for a commit does. */
  interface NativeSleep extends Library {
    int usleep(int microseconds);
  }

  private static final NativeSleep NATIVE_SLEEP = Native.load("c", NativeSleep.class);

  private final ExecutorService threads = Executors.newFixedThreadPool(64, task -> {
    Thread thread = new Thread(task, "test-native-call");
    thread.setDaemon(true);
    return thread;
  });
  private final NativeCalls nativeCalls = new NativeCalls(threads);

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  @Test
  void aVirtualThreadsCallRunsOnAPlatformThreadAndGivesItsResult() throws Exception {
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    AtomicReference<String> result = new AtomicReference<>();

    Thread.ofVirtual().start(() -> result.set(nativeCalls.call(() -> {
      ranOn.set(Thread.currentThread());
      return "made";
    }))).join();

    assertThat(ranOn.get().isVirtual()).as("the call ran on a virtual thread, pinning its carrier").isFalse();
    assertThat(ranOn.get().getName()).isEqualTo("test-native-call");
    assertThat(result.get()).isEqualTo("made");
  }

  @Test
  void aPlatformThreadMakesItsCallItself() {
    AtomicReference<Thread> ranOn = new AtomicReference<>();

    nativeCalls.run(() -> ranOn.set(Thread.currentThread()));

    assertThat(ranOn.get()).isSameAs(Thread.currentThread());
  }

  @Test
  void whatTheCallThrowsReachesTheVirtualThreadUnwrapped() throws Exception {
    TaidonException failure = new TaidonException(ErrorCode.STORE_FULL, "no space left");
    AtomicReference<Throwable> thrown = new AtomicReference<>();

    Thread.ofVirtual().start(() -> {
      try {
        nativeCalls.run(() -> {
          throw failure;
        });
      } catch (Throwable e) {
        thrown.set(e);
      }
    }).join();

    assertThat(thrown.get()).as("what the virtual thread caught").isSameAs(failure);
  }

  @Test
  void callsBlockedInNativeCodeLeaveTheCarrierThreadsFreeForOtherWork() throws Exception {
    int carriers = Runtime.getRuntime().availableProcessors();
    // Well over the carriers: the scheduler may have added a few while earlier blocking calls waited.
    int calls = 2 * carriers + 8;
    CountDownLatch inNativeCode = new CountDownLatch(calls);
    AtomicBoolean released = new AtomicBoolean();
    List<Thread> callers = new CopyOnWriteArrayList<>();
    for (int i = 0; i < calls; i++) {
      callers.add(Thread.ofVirtual().start(() -> nativeCalls.run(() -> {
        inNativeCode.countDown();
        while (!released.get()) {
          NATIVE_SLEEP.usleep(1_000);
        }
      })));
    }
    try {
      assertThat(inNativeCode.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS))
          .as("all %d calls in native code at once with %d carrier threads", calls, carriers).isTrue();
      CountDownLatch otherWorkRan = new CountDownLatch(1);
      Thread.ofVirtual().start(otherWorkRan::countDown);
      assertThat(otherWorkRan.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS))
          .as("another virtual thread ran while the calls were in native code").isTrue();
    } finally {
      released.set(true);
    }
    for (Thread caller : callers) {
      caller.join();
    }
  }

  @Test
  void anInterruptedCallerWaitsForItsCallToEndAndKeepsTheInterrupt() throws Exception {
    CountDownLatch inCall = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    AtomicBoolean callEnded = new AtomicBoolean();
    AtomicReference<Boolean> endedBeforeReturn = new AtomicReference<>();
    AtomicReference<Boolean> interruptKept = new AtomicReference<>();

    Thread caller = Thread.ofVirtual().start(() -> {
      nativeCalls.run(() -> {
        inCall.countDown();
        try {
          finish.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        callEnded.set(true);
      });
      endedBeforeReturn.set(callEnded.get());
      interruptKept.set(Thread.currentThread().isInterrupted());
    });
    assertThat(inCall.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
    caller.interrupt();
    finish.countDown();
    caller.join();

    assertThat(endedBeforeReturn.get()).as("the call had ended when the interrupted caller returned").isTrue();
    assertThat(interruptKept.get()).as("the caller's interrupt status after the call").isTrue();
  }
}
