package io.tidewater.benchmarks;

import io.tidewater.federation.FederationCatalog;
import io.tidewater.federation.ResultCache;
import io.tidewater.federation.SqlEngine;
import io.tidewater.testing.InfluxServer;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Federated SQL against its peers, side by side in one run (the targets in the README's
 * "Benchmarks"), medians of alternating runs: a lake aggregate through the gateway's engine vs
 * DuckDB over the same files (one thread each); a hot-only query vs the same InfluxQL sent to
 * InfluxDB directly; result-cache hits (server side, both cores busy).
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.tidewater.benchmarks.FederationReport
 * [points] [out]}
 */
public final class FederationReport {

  private static final int WARM_UP = 20;

  /**
   * Hot queries take milliseconds: their steady state needs many more runs to reach compiled code
   * (measured: about 1.25x after 300 runs, 1.1x after 900, on the same data).
   */
  private static final int HOT_WARM_UP = 1000;

  public static void main(String[] args) throws Exception {
    long points = args.length > 0 ? Long.parseLong(args[0]) : 2_600_000L;
    Path out = Path.of(args.length > 1 ? args[1] : "benchmarks/results");
    Files.createDirectories(out);
    long perHost = points / ExportThroughputReport.HOSTS;
    try (FederationFixture fixture = FederationFixture.start(perHost, Math.min(perHost, 8640))) {
      InfluxServer influx = fixture.influx;
      String db = fixture.database;
      String hotDb = fixture.hotDatabase;
      FederationCatalog catalog = fixture.catalog;
      SqlEngine engine = new SqlEngine(catalog);

      // 1. Lake aggregate vs DuckDB, one thread each, the same files.
      String ours =
          "SELECT host, AVG(\"user\"), MIN(\"user\"), MAX(\"user\") FROM lake.\""
              + db
              + "\".cpu GROUP BY host";
      String glob = fixture.rawGlob();
      Connection duck = DriverManager.getConnection("jdbc:duckdb:");
      try (Statement s = duck.createStatement()) {
        s.execute("SET threads = 1");
      }
      String theirs =
          "SELECT host, AVG(\"user\"), MIN(\"user\"), MAX(\"user\") FROM read_parquet('"
              + glob
              + "') GROUP BY host";
      long cold = System.nanoTime();
      drain(engine, ours);
      double coldMillis = (System.nanoTime() - cold) / 1e6;
      double[][] lakeTimes = alternate(21, () -> drain(engine, ours), () -> duckdb(duck, theirs));

      // 2. Hot-only: the routed table of a database no policy claims is InfluxDB's alone.
      long from = ExportThroughputReport.START;
      long to = from + 86_400_000_000_000L;
      String hotSql =
          "SELECT FLOOR(\"time\" TO HOUR), AVG(\"user\"), MAX(\"user\") FROM \""
              + hotDb
              + "\".cpu WHERE host = 'host-7'"
              + " AND \"time\" >= TIMESTAMP '2025-01-01 00:00:00' AND \"time\" < TIMESTAMP '2025-01-02 00:00:00'"
              + " GROUP BY FLOOR(\"time\" TO HOUR)";
      String influxql =
          "SELECT mean(\"user\"), max(\"user\") FROM \"cpu\" WHERE \"host\" = 'host-7' AND time >= "
              + from
              + " AND time < "
              + to
              + " GROUP BY time(1h) fill(none)";
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest direct =
          HttpRequest.newBuilder(
                  influx
                      .url()
                      .resolve(
                          "/query?db="
                              + hotDb
                              + "&epoch=ns&q="
                              + URLEncoder.encode(influxql, StandardCharsets.UTF_8)))
              .build();
      // Milliseconds per query: many warm-ups, as a server answering dashboards runs compiled code.
      double[][] hotTimes =
          alternate(
              201,
              HOT_WARM_UP,
              () -> drain(engine, hotSql),
              () -> http.send(direct, HttpResponse.BodyHandlers.ofString()).body().length());
      String sent = engine.explain(hotSql).parts().get(0).pushed();
      // The same with a new time range at every run, as a dashboard refreshing "the last day"
      // sends: the SQL text is new each time; its query shape (the bounds as parameters) is not,
      // so the plan made for the first range runs every other.
      AtomicLong oursShift = new AtomicLong();
      AtomicLong theirsShift = new AtomicLong();
      double[][] newRangeTimes =
          alternate(
              201,
              HOT_WARM_UP,
              () -> drain(engine, shifted(hotSql, oursShift.incrementAndGet())),
              () -> {
                long shift = theirsShift.incrementAndGet() % 4320 * 10_000_000_000L;
                String q =
                    influxql
                        .replace("time >= " + from, "time >= " + (from + shift))
                        .replace("time < " + to, "time < " + (from + shift + HALF_DAY_NANOS));
                return http.send(
                        HttpRequest.newBuilder(
                                influx
                                    .url()
                                    .resolve(
                                        "/query?db="
                                            + hotDb
                                            + "&epoch=ns&q="
                                            + URLEncoder.encode(q, StandardCharsets.UTF_8)))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body()
                    .length();
              });
      // A series whose "user" field is missing for an hour: SQL still has that hour's group (AVG
      // NULL), so the gateway asks again for the other fields from the gap on. The peer is the one
      // InfluxQL statement giving the same groups (every other field counted alongside).
      StringBuilder gapLines = new StringBuilder();
      for (long t = from; t < to; t += ExportThroughputReport.INTERVAL) {
        boolean gap = t >= from + 6 * 3_600_000_000_000L && t < from + 7 * 3_600_000_000_000L;
        gapLines
            .append("cpu,host=host-gap ")
            .append(gap ? "" : "user=1.5,")
            .append("system=0.5,idle=98.0,procs=100i ")
            .append(t)
            .append('\n');
      }
      influx.write(hotDb, gapLines.toString());
      String gapSql = hotSql.replace("'host-7'", "'host-gap'");
      String oneStatement =
          influxql
              .replace(
                  "max(\"user\")",
                  "max(\"user\"), count(\"system\"), count(\"idle\"), count(\"procs\")")
              .replace("'host-7'", "'host-gap'");
      HttpRequest gapDirect =
          HttpRequest.newBuilder(
                  influx
                      .url()
                      .resolve(
                          "/query?db="
                              + hotDb
                              + "&epoch=ns&q="
                              + URLEncoder.encode(oneStatement, StandardCharsets.UTF_8)))
              .build();
      if (FederationFixture.drain(engine, gapSql) != 24) {
        throw new IllegalStateException("the gap query lost the hour without \"user\"");
      }
      double[][] gapTimes =
          alternate(
              201,
              HOT_WARM_UP,
              () -> drain(engine, gapSql),
              () -> http.send(gapDirect, HttpResponse.BodyHandlers.ofString()).body().length());

      // 3. Cache hits, server side, two threads.
      SqlEngine cached =
          new SqlEngine(
              catalog,
              new ResultCache.Settings(
                  100,
                  10_000,
                  Duration.ofMinutes(1),
                  Duration.ofMinutes(10),
                  Duration.ofMinutes(5)));
      drain(cached, ours);
      List<Long> hits = Collections.synchronizedList(new ArrayList<>());
      Thread[] threads = new Thread[2];
      for (int t = 0; t < threads.length; t++) {
        threads[t] =
            new Thread(
                () -> {
                  for (int i = 0; i < 20_000; i++) {
                    long t0 = System.nanoTime();
                    drain(cached, ours);
                    if (i >= 2_000) {
                      hits.add(System.nanoTime() - t0);
                    }
                  }
                });
        threads[t].start();
      }
      for (Thread t : threads) {
        t.join();
      }
      long[] hitNanos = hits.stream().mapToLong(Long::longValue).sorted().toArray();

      long rows = perHost * ExportThroughputReport.HOSTS;
      String md =
          String.format(
              Locale.ROOT,
              """
          ## Federated SQL: %,d points (%d hosts, 10 s apart) in a local lake and a real influxd

          Machine: %d cores, %s %s, Debian influxd 1.6.7, DuckDB %s. Medians of alternating runs (ABBA order) after 20 warm-up runs of each (hot queries: 1,000).

          | what | ours (ms) | peer (ms) | ratio | goal |
          |---|---:|---:|---:|---|
          | lake aggregate, `GROUP BY host` avg/min/max over %,d rows, one thread, vs DuckDB on the same files | %.1f | %.1f | %.2fx DuckDB's speed (%,.0f vs %,.0f rows/s) | >= 1.0x |
          | the same, the JVM's first run (before JIT compilation) | %.1f | | | |
          | hot-only query (1 day of one host, hourly mean/max) vs the same InfluxQL sent directly | %.2f | %.2f | %.2fx its latency | <= 1.2x |
          | the same shape over 12 h moved 10 s at every run (a new SQL text each time: the plan of its query shape reused) vs its InfluxQL sent directly | %.2f | %.2f | %.2fx its latency | <= 1.3x |
          | the same over a series whose field is missing for an hour (a second request from the gap on) vs one InfluxQL statement giving the same groups (every field counted) | %.2f | %.2f | %.2fx its latency | |
          | cache hit, server side (engine call and rows read), 2 threads: p50 / p99 | %.3f / %.3f | | | p99 <= 1 ms |

          The hot-only query's InfluxQL as the gateway sent it: `%s`
          """,
              rows,
              ExportThroughputReport.HOSTS,
              Runtime.getRuntime().availableProcessors(),
              System.getProperty("java.vm.name"),
              System.getProperty("java.version"),
              duckVersion(duck),
              rows,
              median(lakeTimes[0]),
              median(lakeTimes[1]),
              median(lakeTimes[1]) / median(lakeTimes[0]),
              rows / (median(lakeTimes[0]) / 1e3),
              rows / (median(lakeTimes[1]) / 1e3),
              coldMillis,
              median(hotTimes[0]),
              median(hotTimes[1]),
              median(hotTimes[0]) / median(hotTimes[1]),
              median(newRangeTimes[0]),
              median(newRangeTimes[1]),
              median(newRangeTimes[0]) / median(newRangeTimes[1]),
              median(gapTimes[0]),
              median(gapTimes[1]),
              median(gapTimes[0]) / median(gapTimes[1]),
              hitNanos[hitNanos.length / 2] / 1e6,
              hitNanos[(int) (hitNanos.length * 0.99)] / 1e6,
              sent);
      System.out.println(md);
      Files.writeString(out.resolve("federation.md"), md);
      duck.close();
    }
  }

  /**
   * Runs a and b alternately {@code n} times after {@link #WARM_UP} runs each (the gateway is a
   * long-running server: its steady state is what users meet; the first run is reported apart);
   * milliseconds of each run.
   */
  private static double[][] alternate(int n, Callable<?> a, Callable<?> b) throws Exception {
    return alternate(n, WARM_UP, a, b);
  }

  private static double[][] alternate(int n, int warmUp, Callable<?> a, Callable<?> b)
      throws Exception {
    for (int i = 0; i < warmUp; i++) {
      a.call();
      b.call();
    }
    System.gc(); // the garbage of earlier sections is not collected during this one
    double[][] times = new double[2][n];
    for (int i = 0; i < n; i++) {
      // a b, then b a: neither always runs right after the other (caches, a server's batching).
      boolean aFirst = i % 2 == 0;
      times[aFirst ? 0 : 1][i] = timed(aFirst ? a : b);
      times[aFirst ? 1 : 0][i] = timed(aFirst ? b : a);
    }
    return times;
  }

  private static double timed(Callable<?> run) throws Exception {
    long t0 = System.nanoTime();
    run.call();
    return (System.nanoTime() - t0) / 1e6;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /**
   * {@code sql} with its day-long range moved {@code step} times 10 s later (wrapping after 12
   * hours).
   */
  /** Half a day: a refreshing panel's range, moved 10 s at a time inside the loaded day. */
  private static final long HALF_DAY_NANOS = 43_200_000_000_000L;

  /**
   * The hot query over 12 hours starting {@code step} x 10 s into the loaded day: like a
   * dashboard's range, it ends where there is data (a range past the data's end would add the
   * presence query for the empty buckets, which the InfluxQL peer does not make).
   */
  private static String shifted(String sql, long step) {
    LocalDateTime start = LocalDateTime.of(2025, 1, 1, 0, 0).plusSeconds(step % 4320 * 10);
    DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    return sql.replace("'2025-01-01 00:00:00'", "'" + f.format(start) + "'")
        .replace("'2025-01-02 00:00:00'", "'" + f.format(start.plusHours(12)) + "'");
  }

  private static long drain(SqlEngine engine, String sql) {
    return FederationFixture.drain(engine, sql);
  }

  private static long duckdb(Connection duck, String sql) throws Exception {
    long n = 0;
    try (Statement s = duck.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        n++;
      }
    }
    return n;
  }

  private static String duckVersion(Connection duck) throws Exception {
    try (Statement s = duck.createStatement();
        ResultSet rs = s.executeQuery("SELECT version()")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
