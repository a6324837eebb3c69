package io.tidewater.benchmarks;

import io.tidewater.testing.InfluxServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The write targets under load, side by side with InfluxDB's own {@code /write} in one run: batches
 * of 5,000 lines posted by one and by two concurrent senders to the packaged gateway (each batch
 * parsed, appended to the change log and forced to disk before its 204) and to influxd (its WAL is
 * fsync'd per write by default), alternating rounds; accepted lines per second and the p50/p99 of
 * the acknowledgement latency. Goal (issue 6): 100,000 lines/s with p99 <= 20 ms. Two ways: at full
 * speed (each sender posts its next batch when the last is acknowledged: the rate a target can
 * sustain, and the latency of a saturated machine) and at the goal's rate (one batch every 50 ms,
 * sent on schedule whether or not earlier ones were answered, latency measured from each batch's
 * scheduled time so that a stall counts against every batch it delays).
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.tidewater.benchmarks.CdcWriteReport
 * [batches per round] [out] [gateway jar]}
 */
public final class CdcWriteReport {

  static final int LINES = 5_000;
  static final int ROUNDS = 3;

  /** The goal's rate: 100,000 lines/s is one batch of 5,000 every 50 ms. */
  static final int PACED_INTERVAL_MS = 50;

  static final int PACED_BATCHES = 300;

  public static void main(String[] args) throws Exception {
    int batches = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    Path out = Path.of(args.length > 1 ? args[1] : "benchmarks/results");
    Path jar = args.length > 2 ? Path.of(args[2]) : GatewayProcess.DEFAULT_JAR;
    Files.createDirectories(out);
    List<byte[]> bodies = bodies(64);
    try (InfluxServer influx = InfluxServer.start()) {
      String db = influx.newDatabase("cdcbench");
      Path dir = Files.createTempDirectory("tidewater-cdc-bench-");
      Path policies = Files.createDirectories(dir.resolve("policies"));
      Files.writeString(
          policies.resolve("bench.yaml"),
          """
          name: bench
          source: { database: %s, measurements: [/.*/] }
          window: 1h
          settle: 5m
          tiers:
            hot: { keep: 7d }
            warm: { after: 7d }
          """
              .formatted(db));
      try (GatewayProcess gateway =
          GatewayProcess.start(
              jar,
              Map.of(
                  "tidewater.policies.folder",
                  policies.toString(),
                  "tidewater.influx.url",
                  influx.url().toString(),
                  "tidewater.lake.uri",
                  dir.resolve("lake").toUri().toString(),
                  "tidewater.cdc.log-dir",
                  dir.resolve("cdc-log").toString(),
                  "tidewater.export.scheduled",
                  "false"),
              dir.resolve("gateway.log"))) {
        URI ours = gateway.url().resolve("/write?db=" + db + "&precision=ns");
        URI peer = URI.create(influx.url() + "/write?db=" + db + "&precision=ns");
        run(ours, bodies, 40, 2); // warm-up: JIT, connections, log segment
        run(peer, bodies, 40, 2);
        StringBuilder rows = new StringBuilder();
        for (int clients : new int[] {1, 2}) {
          List<Round> gatewayRounds = new ArrayList<>();
          List<Round> influxRounds = new ArrayList<>();
          for (int r = 0; r < ROUNDS; r++) {
            gatewayRounds.add(run(ours, bodies, batches, clients));
            influxRounds.add(run(peer, bodies, batches, clients));
          }
          rows.append(rows(clients, gatewayRounds, influxRounds));
        }
        StringBuilder paced = new StringBuilder();
        List<Round> gatewayPaced = new ArrayList<>();
        List<Round> influxPaced = new ArrayList<>();
        for (int r = 0; r < ROUNDS; r++) {
          gatewayPaced.add(paced(ours, bodies, PACED_BATCHES, PACED_INTERVAL_MS));
          influxPaced.add(paced(peer, bodies, PACED_BATCHES, PACED_INTERVAL_MS));
        }
        paced.append(pacedRows(gatewayPaced, influxPaced));
        String report = report(batches, rows.toString(), paced.toString());
        Files.writeString(out.resolve("cdc-write.md"), report);
        System.out.println(report);
      }
    }
  }

  /** One round: accepted lines per second and every batch's latency (ms). */
  record Round(double linesPerSecond, double[] latencies, int failed) {}

  static Round run(URI target, List<byte[]> bodies, int batches, int clients) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    double[] latencies = new double[batches];
    long started = System.nanoTime();
    List<Future<?>> senders = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      senders.add(
          pool.submit(
              () -> {
                for (int i = next.getAndIncrement(); i < batches; i = next.getAndIncrement()) {
                  long t0 = System.nanoTime();
                  HttpResponse<Void> r =
                      http.send(
                          HttpRequest.newBuilder(target)
                              .POST(
                                  HttpRequest.BodyPublishers.ofByteArray(
                                      bodies.get(i % bodies.size())))
                              .build(),
                          HttpResponse.BodyHandlers.discarding());
                  latencies[i] = (System.nanoTime() - t0) / 1e6;
                  if (r.statusCode() != 204) {
                    failed.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : senders) {
      f.get();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    pool.shutdown();
    return new Round((double) (batches - failed.get()) * LINES / seconds, latencies, failed.get());
  }

  /**
   * One round at a fixed rate: batch {@code i} is due at {@code start + i * interval} and sent then
   * (asynchronously: a slow answer does not hold back the next batch; the client opens connections
   * as needed), its latency counted from when it was due (no coordinated omission).
   */
  static Round paced(URI target, List<byte[]> bodies, int batches, int intervalMs)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    AtomicInteger failed = new AtomicInteger();
    double[] latencies = new double[batches];
    List<CompletableFuture<?>> sent = new ArrayList<>();
    long interval = TimeUnit.MILLISECONDS.toNanos(intervalMs);
    long started = System.nanoTime();
    for (int i = 0; i < batches; i++) {
      long due = started + i * interval;
      for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
        LockSupport.parkNanos(wait);
      }
      int batch = i;
      sent.add(
          http.sendAsync(
                  HttpRequest.newBuilder(target)
                      .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i % bodies.size())))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .whenComplete(
                  (r, e) -> {
                    latencies[batch] = (System.nanoTime() - due) / 1e6;
                    if (e != null || r.statusCode() != 204) {
                      failed.incrementAndGet();
                    }
                  }));
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
    double seconds = (System.nanoTime() - started) / 1e9;
    return new Round((double) (batches - failed.get()) * LINES / seconds, latencies, failed.get());
  }

  /**
   * Batches as Telegraf sends them: a few measurements, 3 tags, 4 fields of mixed types, recent
   * times.
   */
  static List<byte[]> bodies(int n) {
    Random random = new Random(1);
    long now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toEpochMilli() * 1_000_000L;
    List<byte[]> bodies = new ArrayList<>();
    String[] measurements = {"cpu", "mem", "disk", "net"};
    for (int b = 0; b < n; b++) {
      StringBuilder s = new StringBuilder(LINES * 110);
      for (int i = 0; i < LINES; i++) {
        int host = random.nextInt(500);
        s.append(measurements[i % 4])
            .append(",host=server-")
            .append(host)
            .append(",region=eu-")
            .append(host % 7)
            .append(",dc=dc")
            .append(host % 3)
            .append(" usage=")
            .append(random.nextInt(10_000) / 100.0)
            .append(",count=")
            .append(random.nextInt(1_000_000))
            .append("i,ok=")
            .append(random.nextBoolean())
            .append(",state=\"running\" ")
            .append(now - (long) b * LINES * 1000 - i * 1000L)
            .append('\n');
      }
      bodies.add(s.toString().getBytes(StandardCharsets.UTF_8));
    }
    return bodies;
  }

  static String rows(int clients, List<Round> ours, List<Round> peer) {
    double oursRate = median(ours.stream().mapToDouble(Round::linesPerSecond).toArray());
    double peerRate = median(peer.stream().mapToDouble(Round::linesPerSecond).toArray());
    double oursP50 =
        median(ours.stream().mapToDouble(r -> percentile(r.latencies(), 50)).toArray());
    double oursP99 =
        median(ours.stream().mapToDouble(r -> percentile(r.latencies(), 99)).toArray());
    double peerP50 =
        median(peer.stream().mapToDouble(r -> percentile(r.latencies(), 50)).toArray());
    double peerP99 =
        median(peer.stream().mapToDouble(r -> percentile(r.latencies(), 99)).toArray());
    int failed =
        ours.stream().mapToInt(Round::failed).sum() + peer.stream().mapToInt(Round::failed).sum();
    return String.format(
        Locale.ROOT,
        """
        | %d | accepted lines/s | %,.0f | %,.0f | %.2fx InfluxDB's | >= 100,000: %s |
        | %d | ack latency p50 (ms) | %.1f | %.1f | %.2fx | |
        | %d | ack latency p99 (ms) | %.1f | %.1f | %.2fx | (saturated: the goal's p99 is measured at its rate, below) |
        | %d | failed requests | %d | | | |
        """,
        clients,
        oursRate,
        peerRate,
        oursRate / peerRate,
        oursRate >= 100_000 ? "met" : "NOT met",
        clients,
        oursP50,
        peerP50,
        oursP50 / peerP50,
        clients,
        oursP99,
        peerP99,
        oursP99 / peerP99,
        clients,
        failed);
  }

  static String pacedRows(List<Round> ours, List<Round> peer) {
    StringBuilder rows = new StringBuilder();
    for (double p : new double[] {50, 99, 100}) {
      double o = median(ours.stream().mapToDouble(r -> percentile(r.latencies(), p)).toArray());
      double i = median(peer.stream().mapToDouble(r -> percentile(r.latencies(), p)).toArray());
      rows.append(
          String.format(
              Locale.ROOT,
              "| ack latency %s (ms) | %.1f | %.1f | %.2fx | %s |%n",
              p == 100 ? "max" : "p" + (int) p,
              o,
              i,
              o / i,
              p == 99 ? "<= 20 ms: " + (o <= 20 ? "met" : "NOT met") : ""));
    }
    double oursWorst =
        ours.stream().mapToDouble(r -> percentile(r.latencies(), 99)).max().orElseThrow();
    double peerWorst =
        peer.stream().mapToDouble(r -> percentile(r.latencies(), 99)).max().orElseThrow();
    rows.append(
        String.format(
            Locale.ROOT,
            "| ack latency p99, worst round (ms) | %.1f | %.1f | %.2fx | |%n",
            oursWorst,
            peerWorst,
            oursWorst / peerWorst));
    rows.append(
        String.format(
            Locale.ROOT,
            "| failed requests | %d | %d | | |%n",
            ours.stream().mapToInt(Round::failed).sum(),
            peer.stream().mapToInt(Round::failed).sum()));
    return rows.toString();
  }

  static String report(int batches, String rows, String paced) {
    return String.format(
        Locale.ROOT,
        """
        ## Write targets: batches of %,d lines, durable acknowledgement

        Machine: %d cores, %s %s, Debian influxd 1.6.7 on the same machine (the senders, the gateway \
        and influxd share the cores). %d rounds of %,d batches per sender count, alternating gateway and \
        InfluxDB; medians over rounds.

        | senders | what | gateway `/write` | InfluxDB `/write` | ratio | goal |
        |---:|---|---:|---:|---:|---|
        %s
        At the goal's rate: 100,000 lines/s offered (a batch every %d ms, sent on schedule whether or \
        not earlier batches were answered; latency from each batch's scheduled time), %d rounds of %,d \
        batches per target, alternating; medians over rounds.

        | what | gateway `/write` | InfluxDB `/write` | ratio | goal |
        |---|---:|---:|---:|---|
        %s
        The gateway parses every line, appends the body to the change log and forces it to disk \
        (FileChannel.force) before the 204; InfluxDB parses, writes its WAL (fsync'd) and indexes.
        """,
        LINES,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        ROUNDS,
        batches,
        rows,
        PACED_INTERVAL_MS,
        ROUNDS,
        PACED_BATCHES,
        paced);
  }

  static double percentile(double[] values, double p) {
    return Percentiles.of(values, p);
  }

  static double median(double[] values) {
    return Percentiles.of(values, 50);
  }
}
