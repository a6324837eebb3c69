package io.tidewater.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission of SQL statements: at most {@code tidewater.query.max-concurrent} run at once, at most
 * {@code max-queued} wait for a turn, each no longer than {@code queue-timeout}; past that a
 * statement is refused with {@code TOO_BUSY} (429, {@code Retry-After}) instead of piling up
 * threads and memory. Counted for Prometheus: running, queued, rejected.
 */
@ApplicationScoped
public class QueryAdmission {

  /** A statement's turn; closing it (once) lets the next one in. */
  public interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  private final Semaphore running;
  private final int maxConcurrent;
  private final int maxQueued;
  private final Duration queueTimeout;
  private final AtomicInteger queued = new AtomicInteger();
  private final Counter rejected;

  QueryAdmission(TidewaterConfig config, MeterRegistry metrics) {
    TidewaterConfig.Query query = config.query();
    this.maxConcurrent =
        query.maxConcurrent().orElse(2 * Runtime.getRuntime().availableProcessors());
    this.maxQueued = query.maxQueued().orElse(4 * maxConcurrent);
    this.queueTimeout = query.queueTimeout();
    if (maxConcurrent < 1 || maxQueued < 0) {
      throw new TidewaterException(
          ErrorCode.BAD_REQUEST,
          "tidewater.query.max-concurrent must be at least 1 and max-queued at least 0; got "
              + maxConcurrent
              + " and "
              + maxQueued);
    }
    this.running = new Semaphore(maxConcurrent, true);
    Gauge.builder("tidewater_query_running", running, s -> maxConcurrent - s.availablePermits())
        .description("SQL statements running now")
        .register(metrics);
    Gauge.builder("tidewater_query_queued", queued, AtomicInteger::get)
        .description("SQL statements waiting for a turn")
        .register(metrics);
    this.rejected =
        Counter.builder("tidewater_query_rejected_total")
            .description("SQL statements refused as TOO_BUSY")
            .register(metrics);
  }

  /** Statements running now. */
  int running() {
    return maxConcurrent - running.availablePermits();
  }

  /** Statements waiting for a turn now. */
  int queued() {
    return queued.get();
  }

  /**
   * A turn for one statement if one is free now and nobody waits for one (a thread that must not
   * wait asks this, and leaves the statement to {@link #admit} otherwise).
   */
  public Optional<Permit> tryAdmit() {
    try {
      // With a timeout, a fair semaphore's tryAcquire does not overtake waiting statements.
      return running.tryAcquire(0, TimeUnit.MILLISECONDS)
          ? Optional.of(permit())
          : Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** A turn for one statement, waiting in the queue if need be; TOO_BUSY if there is none. */
  public Permit admit() {
    if (!running.tryAcquire()) {
      if (queued.incrementAndGet() > maxQueued) {
        queued.decrementAndGet();
        throw busy("the queue is full");
      }
      try {
        if (!running.tryAcquire(queueTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
          throw busy("no turn within " + queueTimeout.toMillis() + " ms");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw busy("interrupted while waiting");
      } finally {
        queued.decrementAndGet();
      }
    }
    return permit();
  }

  private Permit permit() {
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        running.release();
      }
    };
  }

  private TidewaterException busy(String why) {
    rejected.increment();
    return new TidewaterException(
        ErrorCode.TOO_BUSY,
        "too many SQL statements at once ("
            + maxConcurrent
            + " running, "
            + maxQueued
            + " waiting at most): "
            + why
            + "; retry later");
  }
}
