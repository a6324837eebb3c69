package io.tidewater.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Statements stop where they work, not only where a row comes out: a count over a cross join (no
 * row until the end) stops at its deadline, when its reader stops it from another thread, and at
 * shutdown; the engine then runs the next statement as usual.
 */
class QueryStopTest {

  private static String crossJoin(FederationFixture f, int ways) {
    String table = "lake.\"" + f.database + "\".cpu";
    StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM ");
    for (int i = 0; i < ways; i++) {
      sql.append(i > 0 ? ", " : "").append(table).append(" t").append(i);
    }
    return sql.toString();
  }

  @Test
  void aCrossJoinStopsAtItsDeadline() {
    FederationFixture f = FederationFixture.get();
    // A table's first metadata load is not interruptible: done before the clock starts. Planning
    // these joins takes 1.5-3 s on a busy 2-core machine (Janino's compilation at its end is not
    // interruptible): a 5 s limit falls while they run.
    count(f.engine.query(crossJoin(f, 1), 10, Duration.ofSeconds(30)));
    for (int ways : new int[] {2, 3}) {
      long started = System.nanoTime();
      // When the statement began to run (planned and compiled): a limit falling during the
      // compilation, which is not interruptible, is answered within a second of its end.
      AtomicLong running = new AtomicLong(Long.MAX_VALUE);
      Thread watch =
          new Thread(
              () -> {
                while (running.get() == Long.MAX_VALUE && !Thread.currentThread().isInterrupted()) {
                  if (f.engine.executing() > 0) {
                    running.set(System.nanoTime());
                  }
                  LockSupport.parkNanos(2_000_000);
                }
              });
      watch.setDaemon(true);
      watch.start();
      TidewaterException e =
          assertThrows(
              TidewaterException.class,
              () -> count(f.engine.query(crossJoin(f, ways), 10, Duration.ofSeconds(5))));
      long ended = System.nanoTime();
      watch.interrupt();
      long ms = TimeUnit.NANOSECONDS.toMillis(ended - started);
      long ranFrom =
          running.get() == Long.MAX_VALUE
              ? ms
              : TimeUnit.NANOSECONDS.toMillis(running.get() - started);
      assertEquals(ErrorCode.QUERY_TIMEOUT, e.code(), e.getMessage());
      assertTrue(
          ms >= 4900 && ms < Math.max(5000, ranFrom) + 1000,
          ways + "-way cross join stopped after " + ms + " ms (running from " + ranFrom + " ms)");
    }
    assertEquals(0, f.engine.running(), "nothing left running");
    assertTrue(count(f.engine.query(crossJoin(f, 1), 10, Duration.ofSeconds(30))) == 1);
  }

  @Test
  void sortsAndJoinBuildSidesStopAtTheMemoryBudget() {
    FederationFixture f = FederationFixture.get();
    SqlEngine small = new SqlEngine(f.catalog, ResultCache.Settings.OFF, 1L << 20);
    String table = "lake.\"" + f.database + "\".cpu";
    String join =
        "SELECT COUNT(*) FROM "
            + table
            + " a JOIN "
            + table
            + " b ON a.\"time\" = b.\"time\" AND a.host = b.host";
    // Grouped by a value nearly every row has its own of: the aggregate's groups outgrow the
    // budget.
    String groups =
        "SELECT usage_user, host, COUNT(*) AS n FROM " + table + " GROUP BY usage_user, host";
    // Grouped by minute and host in the lake scan itself: a group per row, counted as they appear.
    String lakeGroups =
        "SELECT DATE_BIN(INTERVAL '1' MINUTE, \"time\") AS b, host, COUNT(*) AS n FROM "
            + table
            + " GROUP BY DATE_BIN(INTERVAL '1' MINUTE, \"time\"), host";
    for (String sql :
        List.of(
            "SELECT * FROM " + table + " ORDER BY usage_user",
            // A top-N keeps up to its limit: five million rows is a full sort here.
            "SELECT * FROM " + table + " ORDER BY usage_user LIMIT 5000000",
            join,
            groups,
            lakeGroups)) {
      TidewaterException e =
          assertThrows(
              TidewaterException.class,
              () -> count(small.query(sql, 10_000_000, Duration.ofSeconds(60))));
      assertEquals(ErrorCode.RESOURCE_EXHAUSTED, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("1 MiB") && e.getMessage().contains("max-memory"));
    }
    assertEquals(0, small.running());
    // A top-N keeps only its limit, whatever it reads.
    assertEquals(
        10,
        count(
            small.query(
                "SELECT * FROM " + table + " ORDER BY usage_user LIMIT 10",
                100,
                Duration.ofSeconds(60))));
    // A sort that fits runs; with the default budget the join runs.
    String hour = "SELECT * FROM " + table + " WHERE \"time\" < TIMESTAMP '2025-05-01 01:00:00'";
    assertEquals(
        count(f.engine.query(hour, 100, Duration.ofSeconds(60))),
        count(small.query(hour + " ORDER BY usage_user", 100, Duration.ofSeconds(60))));
    assertEquals(
        count(f.engine.query("SELECT * FROM " + table, 1_000_000, Duration.ofSeconds(60))),
        single(f.engine.query(join, 10, Duration.ofSeconds(60))));
    // Few groups fit, whatever the number of rows they count.
    assertEquals(
        single(
            f.engine.query(
                "SELECT COUNT(DISTINCT host) FROM " + table, 10, Duration.ofSeconds(60))),
        count(
            small.query(
                "SELECT host, COUNT(*) AS n, MAX(usage_user) AS m FROM "
                    + table
                    + " WHERE usage_user > -1 GROUP BY host",
                1000,
                Duration.ofSeconds(60))));
    assertTrue(
        count(f.engine.query(groups, 10_000_000, Duration.ofSeconds(60))) > 1000,
        "the many groups fit the default budget");
  }

  @Test
  void aReaderOrShutdownStopsARunningStatement() throws Exception {
    FederationFixture f = FederationFixture.get();
    count(f.engine.query(crossJoin(f, 1), 10, Duration.ofSeconds(30))); // the catalog loaded
    SqlEngine engine = new SqlEngine(f.catalog); // shut down at the end
    for (StopReason reason : new StopReason[] {StopReason.CLIENT_GONE, StopReason.SHUTDOWN}) {
      StopSignal signal = new StopSignal();
      CompletableFuture<Long> reading =
          CompletableFuture.supplyAsync(
              () ->
                  count(
                      engine.query(
                          crossJoin(f, 3), 10, Duration.ofMinutes(5), ReadAccess.ALL, signal)));
      // Stopped once planned and compiled (compilation is not interruptible; planning a 3-way
      // cross join takes seconds in a busy test JVM on 2 cores).
      long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (engine.executing() == 0 && System.nanoTime() < waitUntil && !reading.isDone()) {
        Thread.sleep(10);
      }
      assertEquals(1, engine.executing(), "the statement runs");
      long started = System.nanoTime();
      if (reason == StopReason.SHUTDOWN) {
        engine.shutdown();
      } else {
        signal.stop(reason);
      }
      var e =
          assertThrows(
              ExecutionException.class, () -> reading.get(2, TimeUnit.SECONDS), reason.name());
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      TidewaterException te = (TidewaterException) e.getCause();
      assertEquals(ErrorCode.QUERY_CANCELLED, te.code(), te.getMessage());
      assertTrue(ms < 1000, reason + " took " + ms + " ms");
    }
    // Stopped while it is planned.
    StopSignal early = new StopSignal();
    CompletableFuture<Long> planning =
        CompletableFuture.supplyAsync(
            () ->
                count(
                    f.engine.query(
                        crossJoin(f, 4), 10, Duration.ofMinutes(5), ReadAccess.ALL, early)));
    early.stop(StopReason.CLIENT_GONE);
    // Stopped long before its end (minutes): parsing, validation and a first metadata load come
    // before the planner's first check, and take seconds in a busy test JVM.
    var e = assertThrows(ExecutionException.class, () -> planning.get(60, TimeUnit.SECONDS));
    assertEquals(ErrorCode.QUERY_CANCELLED, ((TidewaterException) e.getCause()).code());
    assertEquals(0, f.engine.running());
    // A shut-down engine refuses to start more.
    var refused =
        assertThrows(
            TidewaterException.class,
            () -> count(engine.query(crossJoin(f, 1), 10, Duration.ofSeconds(30))));
    assertEquals(ErrorCode.QUERY_CANCELLED, refused.code());
    assertEquals(0, engine.running());
  }

  private static long single(SqlResult result) {
    try (result) {
      return ((Number) result.next()[0]).longValue();
    }
  }

  private static long count(SqlResult result) {
    long n = 0;
    try (result) {
      while (result.next() != null) {
        n++;
      }
    }
    return n;
  }
}
