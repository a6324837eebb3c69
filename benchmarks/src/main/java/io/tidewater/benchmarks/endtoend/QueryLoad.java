package io.tidewater.benchmarks.endtoend;

import io.tidewater.benchmarks.Percentiles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives one system with one class's questions: a few unmeasured ones first, then up to a number of
 * questions or a time budget, whichever ends first, from {@code concurrency} client threads.
 */
final class QueryLoad {

  /**
   * Latencies (ms, in question order; NaN where not asked or failed), rows per question (-1
   * likewise).
   */
  record Outcome(
      double[] latencies, long[] rows, int asked, int failures, String firstError, double seconds) {

    EndToEndReport.SystemResult summary(String system) {
      double[] ok = Arrays.stream(latencies).filter(d -> !Double.isNaN(d)).toArray();
      if (ok.length == 0) {
        return new EndToEndReport.SystemResult(
            system, asked, failures, firstError, null, null, null, null);
      }
      return new EndToEndReport.SystemResult(
          system,
          asked,
          failures,
          firstError,
          round(Percentiles.of(ok, 50)),
          round(Percentiles.of(ok, 95)),
          round(Percentiles.of(ok, 99)),
          round(ok.length / seconds));
    }
  }

  private QueryLoad() {}

  /** {@code questions}: the first {@code warmup} warm up, the rest are measured. */
  static Outcome run(
      QuerySystem system, List<Question> questions, int warmup, int concurrency, Duration budget)
      throws InterruptedException {
    for (int i = 0; i < Math.min(warmup, questions.size()); i++) {
      try {
        system.rows(questions.get(i));
      } catch (Exception e) {
        // a system that cannot answer fails the measured questions too, where it is counted
      }
    }
    List<Question> measured =
        questions.subList(Math.min(warmup, questions.size()), questions.size());
    double[] latencies = new double[measured.size()];
    long[] rows = new long[measured.size()];
    Arrays.fill(latencies, Double.NaN);
    Arrays.fill(rows, -1);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger asked = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    AtomicReference<String> firstError = new AtomicReference<>();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    long started = System.nanoTime();
    long deadline = started + budget.toNanos();
    List<Future<?>> clients = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) {
      clients.add(
          pool.submit(
              () -> {
                for (int i = next.getAndIncrement();
                    i < measured.size() && System.nanoTime() < deadline;
                    i = next.getAndIncrement()) {
                  asked.incrementAndGet();
                  long t0 = System.nanoTime();
                  try {
                    rows[i] = system.rows(measured.get(i));
                    latencies[i] = (System.nanoTime() - t0) / 1e6;
                  } catch (Exception e) {
                    failures.incrementAndGet();
                    firstError.compareAndSet(null, String.valueOf(e.getMessage()));
                  }
                }
              }));
    }
    for (Future<?> f : clients) {
      try {
        f.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    pool.shutdown();
    return new Outcome(latencies, rows, asked.get(), failures.get(), firstError.get(), seconds);
  }

  static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
