package dev.taidon.sqlrunner.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.sqlrunner.RunEvent;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class EventStreamTest {

  @Test
  void theReaderGetsEveryEventInOrderThenTheEnd() throws Exception {
    EventStream events = new EventStream();
    CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < 500; i++) {
        events.emit(new RunEvent.StepStarted("c" + i, RunEvent.Mode.executed));
      }
      events.end();
    });
    try (Stream<RunEvent> stream = events.stream(() -> { })) {
      List<String> cells = stream.map(event -> ((RunEvent.StepStarted) event).cellId()).toList();
      assertThat(cells).hasSize(500).startsWith("c0", "c1").endsWith("c499");
    }
    producer.get(5, TimeUnit.SECONDS);
  }

  @Test
  void aReaderThatLeavesEarlyCancelsAndNeverBlocksTheProducer() throws Exception {
    EventStream events = new EventStream();
    AtomicBoolean cancelled = new AtomicBoolean();
    Stream<RunEvent> stream = events.stream(() -> cancelled.set(true));
    CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < 10_000; i++) {
        events.emit(new RunEvent.Notice("NOTICE", "n" + i, Optional.empty(), Optional.empty()));
      }
      events.end();
    });
    assertThat(stream.limit(3).count()).isEqualTo(3);
    stream.close();
    producer.get(10, TimeUnit.SECONDS);
    assertThat(cancelled).as("closing the stream cancels the run").isTrue();
  }
}
