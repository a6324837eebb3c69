package io.tidewater.lifecycle.run;

import io.tidewater.lifecycle.cdc.MicroBatchWriter;
import io.tidewater.lifecycle.cdc.MicroBatches;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.util.Threads;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes micro-batches as they fill or age, on one daemon thread: each policy's waiting writes are
 * flushed through its {@link MicroBatchWriter} when {@link MicroBatches} says they are due, and
 * each flush is handed to a listener (metrics, status). Closing stops the thread; what waits stays
 * in the change log and is replayed at the next start.
 */
public final class MicroBatchFlusher implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(MicroBatchFlusher.class.getName());

  /** The longest a wait for due batches lasts before it looks again. */
  private static final Duration POLL = Duration.ofSeconds(1);

  private final MicroBatches batches;
  private final List<MicroBatchWriter> writers;
  private final Clock clock;
  private final Consumer<MicroBatchWriter.Flush> listener;
  private volatile Thread thread;

  public MicroBatchFlusher(
      MicroBatches batches,
      List<MicroBatchWriter> writers,
      Clock clock,
      Consumer<MicroBatchWriter.Flush> listener) {
    this.batches = batches;
    this.writers = List.copyOf(writers);
    this.clock = clock;
    this.listener = listener;
  }

  /** Starts the flushing thread (once; nothing to do without writers). */
  public synchronized void start() {
    if (writers.isEmpty() || thread != null) {
      return;
    }
    thread = Threads.daemon("tidewater-micro-batches").newThread(this::loop);
    thread.start();
  }

  private void loop() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        for (TieringPolicy due : batches.awaitDue(clock, POLL)) {
          writers.stream().filter(w -> w.policy().equals(due)).findFirst().ifPresent(this::flush);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Micro-batches: {0}", e.getMessage());
      }
    }
  }

  private void flush(MicroBatchWriter writer) {
    writer
        .flush()
        .ifPresent(
            f -> {
              listener.accept(f);
              f.problem()
                  .ifPresent(
                      p -> LOG.log(Level.WARNING, "Micro-batch of {0} failed: {1}", f.policy(), p));
              if (f.busy()) {
                Threads.sleepQuietly(POLL); // an export of the policy is running: its writes wait
              }
            });
  }

  @Override
  public synchronized void close() {
    Thread t = thread;
    if (t != null) {
      t.interrupt();
      thread = null;
    }
  }
}
