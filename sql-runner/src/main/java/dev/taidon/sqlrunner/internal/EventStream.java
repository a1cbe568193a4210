package dev.taidon.sqlrunner.internal;

import dev.taidon.sqlrunner.RunEvent;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Carries a run's events from the thread executing it to whoever reads them, with a small bounded
 * buffer: a slow reader slows the run down (rows are read from PostgreSQL only as fast as they are
 * sent on) instead of piling events up in memory. When the reader closes the stream early, the
 * producer's further events are dropped and {@code onClose} runs (it cancels the run). While the
 * producer is quiet, the reader gets a {@link RunEvent.Heartbeat} every {@value #HEARTBEAT_MILLIS} ms,
 * so that writing it reveals a reader that went away.
 */
final class EventStream {
  private static final int CAPACITY = 64;
  /** How long the reader waits for an event before it is given a heartbeat. */
  static final long HEARTBEAT_MILLIS = 2_000;
  private static final Object END = new Object();

  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(CAPACITY);
  private volatile boolean closed;

  /** Hands an event to the reader, waiting while the buffer is full; dropped once the reader left. */
  void emit(RunEvent event) {
    offer(event);
  }

  /** No more events will come. */
  void end() {
    offer(END);
  }

  private void offer(Object item) {
    try {
      while (!closed) {
        if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The events, in order; closing it before the end runs {@code onClose}. */
  Stream<RunEvent> stream(Runnable onClose) {
    Spliterator<RunEvent> events = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE,
        Spliterator.ORDERED | Spliterator.NONNULL) {
      private boolean ended;

      @Override
      public boolean tryAdvance(Consumer<? super RunEvent> action) {
        if (ended) {
          return false;
        }
        Object next;
        try {
          next = queue.poll(HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          ended = true;
          return false;
        }
        if (next == null) {
          action.accept(new RunEvent.Heartbeat());
          return true;
        }
        if (next == END) {
          ended = true;
          return false;
        }
        action.accept((RunEvent) next);
        return true;
      }
    };
    return StreamSupport.stream(events, false).onClose(() -> {
      closed = true;
      queue.clear();
      onClose.run();
    });
  }
}
