package io.tidewater.benchmarks;

import io.tidewater.testing.InfluxServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Write acknowledgements while SQL saturates the machine: the packaged gateway takes writes at the
 * write goal's rate (a batch of 5,000 lines every 50 ms, sent on schedule, latency from each
 * batch's scheduled time) alone and while {@code clients} senders keep CPU-bound statements running
 * (counts over cross joins, each stopped by a 5 s limit, so every SQL turn and both cores are
 * busy), rounds alternating; the p50/p99/max of the acknowledgement and the ratio loaded/alone.
 * Writes are accepted on their own threads, so what remains is the CPU the statements take.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar
 * io.tidewater.benchmarks.WriteUnderQueryLoadReport [sql clients] [out] [gateway jar]}
 */
public final class WriteUnderQueryLoadReport {

  static final int ROUNDS = 3;
  static final int BATCHES = 200;

  /** A count over a 4-way cross join of 200 values: 1.6 billion rows, pure CPU. */
  static final String SLOW =
      "WITH v(x) AS (VALUES "
          + IntStream.range(0, 200).mapToObj(Integer::toString).collect(Collectors.joining(","))
          + ") SELECT COUNT(*) AS n FROM v a, v b, v c, v d";

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    Path out = Path.of(args.length > 1 ? args[1] : "benchmarks/results");
    Path jar = args.length > 2 ? Path.of(args[2]) : GatewayProcess.DEFAULT_JAR;
    Files.createDirectories(out);
    List<byte[]> bodies = CdcWriteReport.bodies(64);
    try (InfluxServer influx = InfluxServer.start()) {
      String db = influx.newDatabase("loadbench");
      Path dir = Files.createTempDirectory("tidewater-write-load-");
      try (GatewayProcess gateway =
          GatewayProcess.start(
              jar,
              Map.of(
                  "tidewater.influx.url", influx.url().toString(),
                  "tidewater.lake.uri", dir.resolve("lake").toUri().toString(),
                  "tidewater.cdc.log-dir", dir.resolve("cdc-log").toString(),
                  "tidewater.query.timeout", "PT5S",
                  "tidewater.export.scheduled", "false"),
              dir.resolve("gateway.log"))) {
        URI write = gateway.url().resolve("/write?db=" + db + "&precision=ns");
        URI sql = gateway.url().resolve("/v1/sql");
        CdcWriteReport.paced(write, bodies, 40, CdcWriteReport.PACED_INTERVAL_MS); // warm-up
        List<CdcWriteReport.Round> alone = new ArrayList<>();
        List<CdcWriteReport.Round> loaded = new ArrayList<>();
        int[] statements = {0, 0};
        for (int r = 0; r < ROUNDS; r++) {
          alone.add(CdcWriteReport.paced(write, bodies, BATCHES, CdcWriteReport.PACED_INTERVAL_MS));
          try (QueryLoad load = new QueryLoad(sql, clients)) {
            Thread.sleep(1000); // every turn taken before the round starts
            loaded.add(
                CdcWriteReport.paced(write, bodies, BATCHES, CdcWriteReport.PACED_INTERVAL_MS));
            statements[0] += load.answered.get();
            statements[1] += load.busy.get();
          }
        }
        String report = report(clients, alone, loaded, statements);
        Files.writeString(out.resolve("write-under-query-load.md"), report);
        System.out.println(report);
      }
    }
  }

  /** Senders that keep slow statements running until closed. */
  static final class QueryLoad implements AutoCloseable {
    final AtomicInteger answered = new AtomicInteger();
    final AtomicInteger busy = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ExecutorService pool;
    private final List<Future<?>> senders = new ArrayList<>();

    QueryLoad(URI sql, int clients) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      pool = Executors.newFixedThreadPool(clients);
      String body = "{\"sql\": \"" + SLOW + "\"}";
      for (int c = 0; c < clients; c++) {
        senders.add(
            pool.submit(
                () -> {
                  while (!stop.get()) {
                    HttpResponse<Void> r =
                        http.send(
                            HttpRequest.newBuilder(sql)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 429) {
                      busy.incrementAndGet();
                      Thread.sleep(200);
                    } else {
                      answered.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
    }

    @Override
    public void close() throws Exception {
      stop.set(true);
      for (Future<?> f : senders) {
        f.get();
      }
      pool.shutdown();
    }
  }

  static String report(
      int clients,
      List<CdcWriteReport.Round> alone,
      List<CdcWriteReport.Round> loaded,
      int[] statements) {
    StringBuilder rows = new StringBuilder();
    for (double p : new double[] {50, 99, 100}) {
      double a = median(alone, p);
      double l = median(loaded, p);
      rows.append(
          String.format(
              Locale.ROOT,
              "| ack latency %s (ms) | %.1f | %.1f | %.2fx |%n",
              p == 100 ? "max" : "p" + (int) p,
              a,
              l,
              l / a));
    }
    rows.append(
        String.format(
            Locale.ROOT,
            "| failed writes | %d | %d | |%n",
            alone.stream().mapToInt(CdcWriteReport.Round::failed).sum(),
            loaded.stream().mapToInt(CdcWriteReport.Round::failed).sum()));
    return String.format(
        Locale.ROOT,
        """
        ## Writes while SQL saturates the machine

        Machine: %d cores, %s %s. The packaged gateway with its default SQL admission (2 x cores \
        running, 4 x that waiting); writes at the goal's rate (a batch of %,d lines every %d ms, sent \
        on schedule; latency from each batch's scheduled time), %d batches per round, %d rounds \
        alone and %d while %d senders keep counts over 4-way cross joins running (each stopped by a \
        5 s limit; %d statements answered, %d refused 429 during the loaded rounds); rounds \
        alternating, medians over rounds.

        | what | writes alone | writes under SQL load | ratio |
        |---|---:|---:|---:|
        %s""",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        CdcWriteReport.LINES,
        CdcWriteReport.PACED_INTERVAL_MS,
        BATCHES,
        ROUNDS,
        ROUNDS,
        clients,
        statements[0],
        statements[1],
        rows);
  }

  private static double median(List<CdcWriteReport.Round> rounds, double p) {
    return Percentiles.of(
        rounds.stream().mapToDouble(r -> Percentiles.of(r.latencies(), p)).toArray(), 50);
  }
}
