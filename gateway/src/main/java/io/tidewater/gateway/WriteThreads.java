package io.tidewater.gateway;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.ext.web.Router;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads writes are accepted on ({@code tidewater.cdc.write-threads}, at most {@code
 * write-queue} waiting), apart from the request pool SQL statements run on: however many statements
 * run or wait, a write's acknowledgement never waits for one of their threads. Past the queue a
 * write is refused (429), never held without bound.
 */
@ApplicationScoped
public class WriteThreads implements Executor {

  private final ThreadPoolExecutor pool;
  private final AtomicInteger receiving = new AtomicInteger();

  WriteThreads(TidewaterConfig config, MeterRegistry metrics) {
    int threads = config.cdc().writeThreads();
    int queue = config.cdc().writeQueue();
    if (threads < 1 || queue < 1) {
      throw new IllegalArgumentException(
          "tidewater.cdc.write-threads and write-queue must be at least 1; got "
              + threads
              + " and "
              + queue);
    }
    AtomicInteger count = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            1,
            TimeUnit.MINUTES,
            new ArrayBlockingQueue<>(queue),
            task -> {
              Thread t = new Thread(task, "tidewater-write-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    Gauge.builder("tidewater_write_queued", pool, p -> p.getQueue().size())
        .description("Writes waiting for a write thread")
        .register(metrics);
  }

  /** Whether a write is being received, checked or logged now. */
  public boolean receiving() {
    return receiving.get() > 0;
  }

  /** Counts writes from their first byte (before the body is read) to their answer. */
  void count(@Observes Router router) {
    router
        .routeWithRegex("/(write|api/v2/write)")
        .order(Integer.MIN_VALUE)
        .handler(
            rc -> {
              receiving.incrementAndGet();
              rc.addEndHandler(ended -> receiving.decrementAndGet());
              rc.next();
            });
  }

  /** Runs {@code task} on a write thread; refused (RejectedExecutionException) past the queue. */
  @Override
  public void execute(Runnable task) {
    pool.execute(task);
  }

  /** Writes already received are finished (acknowledged or refused) before the log closes. */
  void stop(@Observes @Priority(1) ShutdownEvent event) throws InterruptedException {
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }
}
