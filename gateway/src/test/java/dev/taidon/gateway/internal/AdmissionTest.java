package dev.taidon.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdmissionTest {
  /** Generous: only an admission that never comes gets near it. */
  private static final Duration HANG_GUARD = Duration.ofSeconds(30);
  private static final Duration LONG_WAIT = Duration.ofMinutes(5);

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void stopRequests() {
    requests.shutdownNow();
  }

  @Test
  void requestsPastTheBoundWaitTheirTurnInArrivalOrder() throws Exception {
    Admission admission = new Admission(2, LONG_WAIT, Duration.ofMinutes(1), nanos::get);
    Admission.Permit first = admission.enter().orElseThrow();
    Admission.Permit second = admission.enter().orElseThrow();

    CompletableFuture<Admission.Permit> third = waitingRequest(admission);
    awaitWaiting(admission, 1);
    CompletableFuture<Admission.Permit> fourth = waitingRequest(admission);
    awaitWaiting(admission, 2);
    assertThat(admission.inFlight()).as("requests counted while two wait").isEqualTo(2);

    first.close();
    assertThat(third).as("the first to wait, once a request ends").succeedsWithin(HANG_GUARD);
    assertThat(admission.waiting()).as("requests still waiting after one ended").isEqualTo(1);
    assertThat(fourth).as("the second to wait, while no other request has ended").isNotDone();
    second.close();
    assertThat(fourth).succeedsWithin(HANG_GUARD);
    third.get().close();
    fourth.get().close();
    assertThat(admission.inFlight()).as("requests counted after all ended").isZero();
  }

  @Test
  void aRequestWhoseTurnDoesNotComeInTimeIsRefused() throws Exception {
    Admission admission = new Admission(1, Duration.ofMillis(50), Duration.ofMinutes(1), nanos::get);
    Admission.Permit busy = admission.enter().orElseThrow();

    Optional<Admission.Permit> late = admission.enter();

    assertThat(late).as("a turn while the only place is taken for longer than the wait").isEmpty();
    busy.close();
    assertThat(admission.enter()).as("a turn once the place is free").isPresent();
  }

  @Test
  void withoutAWaitAFullPlatformRefusesAtOnce() throws Exception {
    Admission admission = new Admission(1, Duration.ZERO, Duration.ofMinutes(1), nanos::get);
    admission.enter().orElseThrow();

    assertThat(admission.enter()).isEmpty();
  }

  @Test
  void aRequestAdmittedLongerThanTheHoldLetsTheNextIn() throws Exception {
    Admission admission = new Admission(1, LONG_WAIT, Duration.ofSeconds(2), nanos::get);
    Admission.Permit longStatement = admission.enter().orElseThrow();
    CompletableFuture<Admission.Permit> next = waitingRequest(admission);
    awaitWaiting(admission, 1);

    nanos.addAndGet(Duration.ofMillis(1999).toNanos());
    admission.releaseOverdue();
    assertThat(admission.outlasted()).as("requests past the hold after 1.999 s of a 2 s hold").isZero();
    assertThat(admission.waiting()).isEqualTo(1);
    assertThat(next).isNotDone();

    nanos.addAndGet(Duration.ofMillis(1).toNanos());
    admission.releaseOverdue();
    assertThat(next).as("the next request, once the long one has held its turn for 2 s").succeedsWithin(HANG_GUARD);
    assertThat(admission.outlasted()).isEqualTo(1);

    longStatement.close();
    assertThat(admission.inFlight()).as("requests counted after the long one ends: its turn was returned once")
        .isEqualTo(1);
    next.get().close();
    assertThat(admission.inFlight()).isZero();
    assertThat(admission.enter()).isPresent();
    assertThat(admission.inFlight()).as("requests counted with a bound of one: the turn returned twice would make 0")
        .isEqualTo(1);
  }

  @Test
  void requestsThatEndedAreNotCountedAsOutlastingTheHold() throws Exception {
    Admission admission = new Admission(3, LONG_WAIT, Duration.ofSeconds(2), nanos::get);
    for (int i = 0; i < 3; i++) {
      admission.enter().orElseThrow().close();
    }

    nanos.addAndGet(Duration.ofSeconds(5).toNanos());
    admission.releaseOverdue();

    assertThat(admission.outlasted()).isZero();
    assertThat(admission.inFlight()).isZero();
  }

  private CompletableFuture<Admission.Permit> waitingRequest(Admission admission) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return admission.enter().orElseThrow(() -> new AssertionError("refused although the wait is 5 min"));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }, requests);
  }

  private static void awaitWaiting(Admission admission, int count) throws InterruptedException {
    long giveUpAt = System.nanoTime() + HANG_GUARD.toNanos();
    while (admission.waiting() < count) {
      assertThat(System.nanoTime()).as("%d requests waiting", count).isLessThan(giveUpAt);
      Thread.sleep(2);
    }
  }
}
