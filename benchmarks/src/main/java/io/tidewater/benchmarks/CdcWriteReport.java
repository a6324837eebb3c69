package io.tidewater.benchmarks;

import io.tidewater.testing.InfluxServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The write targets under load, side by side with InfluxDB's own {@code /write} in one run: batches
 * of 5,000 lines posted by one and by two concurrent senders to the packaged gateway (each batch
 * parsed, appended to the change log and forced to disk before its 204) and to influxd (its WAL is
 * fsync'd per write by default), alternating rounds; accepted lines per second and the p50/p99 of
 * the acknowledgement latency. Goal (issue 6): 100,000 lines/s with p99 <= 20 ms.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.tidewater.benchmarks.CdcWriteReport
 * [batches per round] [out] [gateway jar]}
 */
public final class CdcWriteReport {

  static final int LINES = 5_000;
  static final int ROUNDS = 3;

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
      Files.writeString(policies.resolve("bench.yaml"), """
          name: bench
          source: { database: %s, measurements: [/.*/] }
          window: 1h
          settle: 5m
          tiers:
            hot: { keep: 7d }
            warm: { after: 7d }
          """.formatted(db));
      try (GatewayProcess gateway = GatewayProcess.start(jar, Map.of("tidewater.policies.folder", policies.toString(),
          "tidewater.influx.url", influx.url().toString(), "tidewater.lake.uri", dir.resolve("lake").toUri().toString(),
          "tidewater.cdc.log-dir", dir.resolve("cdc-log").toString(), "tidewater.export.scheduled", "false"),
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
        String report = report(batches, rows.toString());
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
      senders.add(pool.submit(() -> {
        for (int i = next.getAndIncrement(); i < batches; i = next.getAndIncrement()) {
          long t0 = System.nanoTime();
          HttpResponse<Void> r = http.send(HttpRequest.newBuilder(target)
              .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i % bodies.size()))).build(),
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

  /** Batches as Telegraf sends them: a few measurements, 3 tags, 4 fields of mixed types, recent times. */
  static List<byte[]> bodies(int n) {
    Random random = new Random(1);
    long now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toEpochMilli() * 1_000_000L;
    List<byte[]> bodies = new ArrayList<>();
    String[] measurements = {"cpu", "mem", "disk", "net"};
    for (int b = 0; b < n; b++) {
      StringBuilder s = new StringBuilder(LINES * 110);
      for (int i = 0; i < LINES; i++) {
        int host = random.nextInt(500);
        s.append(measurements[i % 4]).append(",host=server-").append(host).append(",region=eu-").append(host % 7)
            .append(",dc=dc").append(host % 3).append(" usage=").append(random.nextInt(10_000) / 100.0)
            .append(",count=").append(random.nextInt(1_000_000)).append("i,ok=").append(random.nextBoolean())
            .append(",state=\"running\" ").append(now - (long) b * LINES * 1000 - i * 1000L).append('\n');
      }
      bodies.add(s.toString().getBytes(StandardCharsets.UTF_8));
    }
    return bodies;
  }

  static String rows(int clients, List<Round> ours, List<Round> peer) {
    double oursRate = median(ours.stream().mapToDouble(Round::linesPerSecond).toArray());
    double peerRate = median(peer.stream().mapToDouble(Round::linesPerSecond).toArray());
    double oursP50 = median(ours.stream().mapToDouble(r -> percentile(r.latencies(), 50)).toArray());
    double oursP99 = median(ours.stream().mapToDouble(r -> percentile(r.latencies(), 99)).toArray());
    double peerP50 = median(peer.stream().mapToDouble(r -> percentile(r.latencies(), 50)).toArray());
    double peerP99 = median(peer.stream().mapToDouble(r -> percentile(r.latencies(), 99)).toArray());
    int failed = ours.stream().mapToInt(Round::failed).sum() + peer.stream().mapToInt(Round::failed).sum();
    return String.format(Locale.ROOT, """
        | %d | accepted lines/s | %,.0f | %,.0f | %.2fx InfluxDB's | >= 100,000: %s |
        | %d | ack latency p50 (ms) | %.1f | %.1f | %.2fx | |
        | %d | ack latency p99 (ms) | %.1f | %.1f | %.2fx | <= 20 ms: %s |
        | %d | failed requests | %d | | | |
        """, clients, oursRate, peerRate, oursRate / peerRate, oursRate >= 100_000 ? "met" : "NOT met",
        clients, oursP50, peerP50, oursP50 / peerP50, clients, oursP99, peerP99, oursP99 / peerP99,
        oursP99 <= 20 ? "met" : "NOT met", clients, failed);
  }

  static String report(int batches, String rows) {
    return String.format(Locale.ROOT, """
        ## Write targets: batches of %,d lines, durable acknowledgement

        Machine: %d cores, %s %s, Debian influxd 1.6.7 on the same machine (the senders, the gateway \
        and influxd share the cores). %d rounds of %,d batches per sender count, alternating gateway and \
        InfluxDB; medians over rounds.

        | senders | what | gateway `/write` | InfluxDB `/write` | ratio | goal |
        |---:|---|---:|---:|---:|---|
        %s
        The gateway parses every line, appends the body to the change log and forces it to disk \
        (FileChannel.force) before the 204; InfluxDB parses, writes its WAL (fsync'd) and indexes.
        """, LINES, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
        System.getProperty("java.version"), ROUNDS, batches, rows);
  }

  static double percentile(double[] values, double p) {
    return Percentiles.of(values, p);
  }

  static double median(double[] values) {
    return Percentiles.of(values, 50);
  }
}
