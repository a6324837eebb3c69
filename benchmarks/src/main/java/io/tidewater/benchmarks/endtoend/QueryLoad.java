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
 * Drives systems with one class's questions: a few unmeasured ones first, then up to a number of
 * questions or a time budget, whichever ends first, from {@code concurrency} client threads; one
 * system alone ({@link #run}) or several in turns ({@link #inTurns}).
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
    // One system's turn is every question.
    return inTurns(
            List.of(system), questions, warmup, concurrency, budget, Math.max(1, questions.size()))
        .get(0);
  }

  /**
   * {@code systems} asked the same {@code questions} in turns of {@code turn} each (the first, the
   * second, ..., the first again), after each one's {@code warmup} unmeasured ones: whatever
   * disturbs the machine meanwhile (a compaction, the JIT, another tenant) falls on every system
   * alike instead of on whichever was being measured then. Each stops once it has spent {@code
   * budget} answering; its queries per second are over that time.
   */
  static List<Outcome> inTurns(
      List<QuerySystem> systems,
      List<Question> questions,
      int warmup,
      int concurrency,
      Duration budget,
      int turn)
      throws InterruptedException {
    int first = Math.min(warmup, questions.size());
    List<Turns> state = new ArrayList<>();
    for (QuerySystem s : systems) {
      for (int i = 0; i < first; i++) {
        try {
          s.rows(questions.get(i));
        } catch (Exception e) {
          // a system that cannot answer fails the measured questions too, where it is counted
        }
      }
      state.add(new Turns(s, questions.size() - first));
    }
    List<Question> measured = questions.subList(first, questions.size());
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      for (int from = 0; from < measured.size(); from += turn) {
        boolean any = false;
        for (Turns t : state) {
          if (t.spentNanos < budget.toNanos()) {
            t.ask(
                pool, measured, from, Math.min(measured.size(), from + turn), concurrency, budget);
            any = true;
          }
        }
        if (!any) {
          break;
        }
      }
    } finally {
      pool.shutdown();
    }
    return state.stream().map(Turns::outcome).toList();
  }

  /** One system's answers so far, in turns. */
  private static final class Turns {
    private final QuerySystem system;
    private final double[] latencies;
    private final long[] rows;
    private final AtomicInteger asked = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private long spentNanos;

    Turns(QuerySystem system, int measured) {
      this.system = system;
      this.latencies = new double[measured];
      this.rows = new long[measured];
      Arrays.fill(latencies, Double.NaN);
      Arrays.fill(rows, -1);
    }

    /** Questions {@code from} to {@code to} from {@code concurrency} clients, within the budget. */
    void ask(
        ExecutorService pool,
        List<Question> measured,
        int from,
        int to,
        int concurrency,
        Duration budget)
        throws InterruptedException {
      AtomicInteger next = new AtomicInteger(from);
      long started = System.nanoTime();
      long deadline = started + budget.toNanos() - spentNanos;
      List<Future<?>> clients = new ArrayList<>();
      for (int c = 0; c < concurrency; c++) {
        clients.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement();
                      i < to && System.nanoTime() < deadline;
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
      spentNanos += System.nanoTime() - started;
    }

    Outcome outcome() {
      return new Outcome(
          latencies, rows, asked.get(), failures.get(), firstError.get(), spentNanos / 1e9);
    }
  }

  static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
