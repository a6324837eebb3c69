package io.tidewater.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import io.tidewater.lifecycle.export.ExportJob;
import io.tidewater.lifecycle.export.JobReport;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.local.LocalLakeStore;
import io.tidewater.policy.PolicyParser;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.S3Server;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Export throughput against its ceiling, in one run (the targets in the README's "Benchmarks"):
 * loads N points into a real influxd, times raw chunked reads of all of them (bytes streamed and
 * discarded: what any reader must wait for), then exports of the same data into fresh local lakes
 * (streamed parse, Parquet, ledger commits), and reports medians in rows/s, their ratio (goal >=
 * 0.8; the first export in the JVM, which also compiles the code, is reported apart) and the
 * exports' peak heap.
 *
 * <p>Two layouts: {@code large} (100 hosts 10 s apart: windows of 36,000 rows, no rollups) and
 * {@code small} (50 hosts a point a minute: windows of 3,000 rows with 1h rollups, the fleet most
 * users have, where each window's fixed costs count); into a local lake or s3proxy.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar
 * io.tidewater.benchmarks.ExportThroughputReport [points] [out] [large|small] [local|s3]}
 */
public final class ExportThroughputReport {

  static final int HOSTS = 100;
  static final long START = 1_735_689_600_000_000_000L; // 2025-01-01T00:00:00Z
  static final long INTERVAL = 10_000_000_000L;
  static final int RUNS = Integer.getInteger("tidewater.bench.runs", 5);

  /**
   * Exports before the measured ones: the JIT compiles the export's code over the first ones, which
   * a gateway exporting all day has behind it. Code run once per window is compiled last: in the
   * small layout (334 windows an export) the JVM's CPU per export still fell from 3.4 s at the
   * fourth export to 1.3-1.5 s at the tenth.
   */
  static final int WARMUP = Integer.getInteger("tidewater.bench.warmup", 10);

  /**
   * The JVM option the README's launch commands give the gateway: the JDK HTTP client reads answers
   * in buffers of this size (16 KB by default, each waking its selector; 128 KB measured 5-10%
   * faster exports). Both sides of this benchmark run with it.
   */
  static final String HTTP_BUFFER = "-Djdk.httpclient.bufsize=131072";

  /** The data's shape: how many series, how far apart their points, whether rollups are kept. */
  enum Layout {
    LARGE(HOSTS, INTERVAL, false),
    SMALL(50, 60_000_000_000L, true);

    final int hosts;
    final long interval;
    final boolean rollups;

    Layout(int hosts, long interval, boolean rollups) {
      this.hosts = hosts;
      this.interval = interval;
      this.rollups = rollups;
    }
  }

  public static void main(String[] args) throws Exception {
    String[] buffer = HTTP_BUFFER.substring(2).split("=");
    System.setProperty(buffer[0], buffer[1]); // before the first HTTP client of this JVM
    long points = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000L;
    if (RUNS < 1 || WARMUP < 1) {
      throw new IllegalArgumentException(
          "tidewater.bench.runs and tidewater.bench.warmup must be >= 1 (the first export, which"
              + " compiles the code, is reported apart)");
    }
    Path out = Path.of(args.length > 1 ? args[1] : "benchmarks/results");
    Layout layout = Layout.valueOf((args.length > 2 ? args[2] : "large").toUpperCase(Locale.ROOT));
    boolean s3 = args.length > 3 && args[3].equals("s3");
    Files.createDirectories(out);
    long perHost = points / layout.hosts;
    long end = START + perHost * layout.interval;
    try (InfluxServer influx = InfluxServer.start();
        S3Server s3Server = s3 ? S3Server.start() : null) {
      String db = influx.newDatabase("bench");
      load(influx, db, perHost, layout.hosts, layout.interval);

      // The peer: the raw read, in the answer format that is faster (one read of each, which also
      // warms InfluxDB's caches).
      String rawFormat = "application/json";
      long best = Long.MAX_VALUE;
      long rawBytes = 0;
      for (String accept : new String[] {"application/json", "application/x-msgpack"}) {
        long t0 = System.nanoTime();
        long n = rawRead(influx, db, end, accept);
        if (System.nanoTime() - t0 < best) {
          best = System.nanoTime() - t0;
          rawFormat = accept;
          rawBytes = n;
        }
      }

      TieringPolicy policy =
          new PolicyParser()
              .parse("bench.yaml", layout.rollups ? rollupPolicy(db) : allHotPolicy(db))
              .get(0);
      Clock clock =
          Clock.fixed(
              Instant.ofEpochSecond(end / 1_000_000_000L).plus(Duration.ofDays(1)), ZoneOffset.UTC);
      InfluxClient client = new InfluxClient(InfluxConnection.of(influx.url()));
      // The first exports in a JVM also pay for compiling the code they run; a gateway exports all
      // day, so the goal is judged on the next ones, each into a fresh lake, alternating with raw
      // reads so that both see the same moments of this shared machine.
      long coldNanos = 0;
      long[] exportCpu = new long[RUNS];
      long[] exportInfluxCpu = new long[RUNS];
      long[] rawInfluxCpu = new long[RUNS];
      long[] rawNanos = new long[RUNS];
      long[] exportNanos = new long[RUNS];
      long peakHeap = 0;
      long bytes = 0;
      int windows = 0;
      List<Path> lakes = new ArrayList<>();
      for (int run = -WARMUP; run < RUNS; run++) {
        if (run >= 0) {
          long influxCpu0 = influxdCpuNanos();
          long t0 = System.nanoTime();
          rawRead(influx, db, end, rawFormat);
          rawNanos[run] = System.nanoTime() - t0;
          rawInfluxCpu[run] = influxdCpuNanos() - influxCpu0;
        }
        Path lake = Files.createTempDirectory("tidewater-export-bench-");
        LakeStore store =
            s3Server == null
                ? new LocalLakeStore(new LakeLocation.Local(lake))
                : S3Lakes.create(s3Server, "run" + (run + 1));
        Ledger ledger = new Ledger(store);
        ExportJob job = localExportJob(policy, client, ledger, lake, clock);
        // No System.gc() here: the full collection shrank the heap, and the next export paid for
        // touching its memory again (page faults were a third of its CPU).
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        long cpu0 = processCpuNanos();
        long influxCpu0 = influxdCpuNanos();
        long t0 = System.nanoTime();
        JobReport report = job.runDue().orElseThrow();
        long nanos = System.nanoTime() - t0;
        long cpu = processCpuNanos() - cpu0;
        long influxCpu = influxdCpuNanos() - influxCpu0;
        System.err.printf(
            Locale.ROOT,
            "run %d: export %.2f s, this JVM's CPU %.2f s, influxd's %.2f s%s%n",
            run + 1,
            nanos / 1e9,
            cpu / 1e9,
            influxCpu / 1e9,
            run >= 0
                ? String.format(
                    Locale.ROOT,
                    ", raw read %.2f s (influxd's CPU %.2f s)",
                    rawNanos[run] / 1e9,
                    rawInfluxCpu[run] / 1e9)
                : "");
        store.close();
        if (!report.failures().isEmpty() || report.rows() != perHost * layout.hosts) {
          throw new IllegalStateException(
              "export incomplete: " + report.rows() + " rows, failures " + report.failures());
        }
        peakHeap =
            Math.max(
                peakHeap,
                ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP)
                    .mapToLong(p -> p.getPeakUsage().getUsed())
                    .sum());
        bytes = report.bytes();
        windows = report.exported().size();
        if (run == -WARMUP) {
          coldNanos = nanos;
        } else if (run >= 0) {
          exportNanos[run] = nanos;
          exportCpu[run] = cpu;
          exportInfluxCpu[run] = influxCpu;
        }
        lakes.add(lake);
      }
      // Deleted only now: on ext4 without a journal (this machine's) a new inode is not taken from
      // those freed in the last 1-6 minutes, and allocating one scans past each of them, so
      // deleting a
      // run's tens of thousands of files just before the next export made that export pay for
      // the benchmark's cleanup (a quarter of its writers' CPU in the kernel's find_inode_bit).
      for (Path lake : lakes) {
        deleteTree(lake);
        deleteTree(lake.resolveSibling(lake.getFileName() + "-staging"));
      }
      Arrays.sort(rawNanos);
      Arrays.sort(exportNanos);
      Arrays.sort(exportCpu);
      Arrays.sort(exportInfluxCpu);
      Arrays.sort(rawInfluxCpu);
      long rows = perHost * layout.hosts;
      double rawRate = rows / (rawNanos[RUNS / 2] / 1e9);
      double exportRate = rows / (exportNanos[RUNS / 2] / 1e9);
      String md =
          String.format(
              Locale.ROOT,
              """
          ## Export throughput: %,d points (%d hosts, 3 float + 1 integer field, %d s apart), one influxd

          Machine: %d cores, %s %s, Debian influxd 1.6.7, %s lake, zstd, 1 h windows (%d windows of %,d rows%s).
          Medians of %d runs of each (range in brackets), a raw read and an export in turn.

          | what | seconds | rows/s |
          |---|---:|---:|
          | raw chunked read (SELECT * ... GROUP BY *, %s, %,d bytes streamed and discarded) | %.1f [%.1f-%.1f] | %,.0f |
          | export: read, parse, write Parquet, commit (%,d bytes of Parquet) | %.1f [%.1f-%.1f] | %,.0f |
          | the first export in the JVM (compiling as it goes; it and the next %d are not in the ratio) | %.1f | %,.0f |

          Export / raw read: %.2fx (goal >= 0.8). This JVM's CPU per export (all threads, median): %.1f s.
          influxd's CPU (medians): %.1f s per raw read, %.1f s per export.
          Peak heap in use during the exports (uncollected garbage included): %,d MB (-Xmx %,d MB).
          """,
              rows,
              layout.hosts,
              layout.interval / 1_000_000_000L,
              Runtime.getRuntime().availableProcessors(),
              System.getProperty("java.vm.name"),
              System.getProperty("java.version"),
              s3Server == null ? "local" : "s3proxy",
              windows,
              rows / Math.max(1, windows),
              layout.rollups ? ", each with its 1h rollup" : "",
              RUNS,
              rawFormat,
              rawBytes,
              rawNanos[RUNS / 2] / 1e9,
              rawNanos[0] / 1e9,
              rawNanos[RUNS - 1] / 1e9,
              rawRate,
              bytes,
              exportNanos[RUNS / 2] / 1e9,
              exportNanos[0] / 1e9,
              exportNanos[RUNS - 1] / 1e9,
              exportRate,
              WARMUP - 1,
              coldNanos / 1e9,
              rows / (coldNanos / 1e9),
              exportRate / rawRate,
              exportCpu[RUNS / 2] / 1e9,
              rawInfluxCpu[RUNS / 2] / 1e9,
              exportInfluxCpu[RUNS / 2] / 1e9,
              peakHeap >> 20,
              Runtime.getRuntime().maxMemory() >> 20);
      System.out.println(md);
      String name =
          layout == Layout.LARGE && s3Server == null
              ? "export-throughput.md"
              : "export-throughput-"
                  + layout.name().toLowerCase(Locale.ROOT)
                  + "-"
                  + (s3Server == null ? "local" : "s3")
                  + ".md";
      Files.writeString(out.resolve(name), md);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * The benchmarks' policy: {@code cpu} of {@code db} in hourly windows, all of it hot for ten
   * years.
   */
  static String allHotPolicy(String db) {
    return """
        name: bench
        source: { database: %s, measurements: [cpu] }
        window: 1h
        settle: 0
        tiers:
          hot: { keep: 3650d }
          warm: { after: 3650d }
        """
        .formatted(db);
  }

  /** {@code cpu} of {@code db} in hourly windows with their 1h rollups (all warm at the clock). */
  static String rollupPolicy(String db) {
    return """
        name: bench
        source: { database: %s, measurements: [cpu] }
        window: 1h
        settle: 0
        tiers:
          hot: { keep: 1d }
          warm: { after: 1d, rollups: [1h] }
        lake:
          partition-by: day
        """
        .formatted(db);
  }

  /** CPU time used so far by the influxd this JVM started (0 if none is found). */
  static long influxdCpuNanos() {
    return ProcessHandle.current()
        .descendants()
        .filter(p -> p.info().command().orElse("").endsWith("influxd"))
        .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
        .sum();
  }

  /** CPU time this JVM has used, all threads (JIT and GC included). */
  static long processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * An export job of {@code policy} into the local lake folder {@code lake}, staging beside it, one
   * attempt per window.
   */
  static ExportJob localExportJob(
      TieringPolicy policy, InfluxClient client, Ledger ledger, Path lake, Clock clock) {
    return ExportJob.builder(policy, client, ledger)
        .stagingDir(lake.resolveSibling(lake.getFileName() + "-staging"))
        .clock(clock)
        .retries(1, Duration.ofMillis(10))
        .build();
  }

  static void load(InfluxServer influx, String db, long perHost) {
    load(influx, db, perHost, HOSTS, INTERVAL);
  }

  /** {@code perHost} points of each of {@code hosts} series, {@code interval} ns apart. */
  static void load(InfluxServer influx, String db, long perHost, int hosts, long interval) {
    Random random = new Random(1);
    StringBuilder batch = new StringBuilder(1 << 20);
    double[] walk = new double[hosts];
    for (long i = 0; i < perHost; i++) {
      for (int h = 0; h < hosts; h++) {
        walk[h] += random.nextGaussian();
        batch
            .append("cpu,host=host-")
            .append(h)
            .append(" user=")
            .append(Math.round(walk[h] * 100) / 100.0)
            .append(",system=")
            .append(Math.round(walk[h] * 10) / 100.0)
            .append(",idle=")
            .append(Math.round((100 - walk[h]) * 100) / 100.0)
            .append(",procs=")
            .append(100 + (i + h) % 50)
            .append("i ")
            .append(START + i * interval)
            .append('\n');
      }
      if (batch.length() > (1 << 20)) {
        influx.write(db, batch.toString());
        batch.setLength(0);
      }
    }
    if (batch.length() > 0) {
      influx.write(db, batch.toString());
    }
  }

  /** Streams every point, chunked, and discards the bytes; returns how many arrived. */
  private static long rawRead(InfluxServer influx, String db, long end, String accept)
      throws Exception {
    return rawRead(influx.url(), db, "cpu", START, end, accept);
  }

  /**
   * The peer of an export: every point of {@code measurement} in {@code [from, to)} (epoch ns)
   * streamed in chunks and discarded; returns how many bytes arrived.
   */
  public static long rawRead(
      URI influx, String db, String measurement, long from, long to, String accept)
      throws Exception {
    String q =
        "SELECT * FROM \""
            + measurement
            + "\" WHERE time >= "
            + from
            + " AND time < "
            + to
            + " GROUP BY *";
    HttpRequest request =
        HttpRequest.newBuilder(influx.resolve("/query"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", accept)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "epoch=ns&chunked=true&chunk_size=10000&db="
                        + URLEncoder.encode(db, StandardCharsets.UTF_8)
                        + "&q="
                        + URLEncoder.encode(q, StandardCharsets.UTF_8)))
            .build();
    HttpResponse<InputStream> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
    long bytes = 0;
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = response.body()) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        bytes += n;
      }
    }
    return bytes;
  }
}
