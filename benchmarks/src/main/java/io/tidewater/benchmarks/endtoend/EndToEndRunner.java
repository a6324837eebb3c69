package io.tidewater.benchmarks.endtoend;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.OperatingSystemMXBean;
import io.tidewater.benchmarks.ExportThroughputReport;
import io.tidewater.benchmarks.GatewayProcess;
import io.tidewater.benchmarks.S3Lakes;
import io.tidewater.benchmarks.TsmFiles;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.ObjectInfo;
import io.tidewater.lifecycle.store.local.LocalLakeStore;
import io.tidewater.lifecycle.store.s3.S3LakeStore;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.S3Server;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The end-to-end benchmark (issue 8): real influxd (and s3proxy with {@code --store s3}), a
 * generated fleet's history, the export through the packaged gateway, then every query class of the
 * reference performance table asked over HTTP of the gateway and, in the same run, of InfluxDB in
 * InfluxQL and of DuckDB over the lake's files; writes {@code end-to-end.md}, {@code .json} and
 * {@code .svg} to the results folder.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar
 * io.tidewater.benchmarks.endtoend.EndToEndRunner [--smoke] [--hosts 50] [--days 30] [--store
 * local|s3] [--concurrency 2] [--seconds 20] [--queries 500] [--warmup 3] [--warmup-seconds 120]
 * [--classes RECENT_POINT,...] [--out benchmarks/results] [--gateway-jar JAR]}
 */
public final class EndToEndRunner {

  static final String POLICY = "bench";

  /**
   * Questions each system answers before the next one's turn: a class measured one system after the
   * other put a disturbance of a few seconds (an InfluxDB compaction, another tenant of the
   * machine) on one system only, and moved a class's ratio two- to fourfold between runs.
   */
  static final int TURN = 50;

  /**
   * Questions of a class the gateway answers unmeasured right before the class is measured (or
   * {@link #CLASS_WARMUP_TIME}, or the whole warm-up's time if shorter): after the general warm-up
   * of every class, a class's own path was still being compiled while it was measured (the
   * gateway's CPU per recent-point question fell by a third in the minutes after the classes).
   */
  static final int CLASS_WARMUP = 2_000;

  static final Duration CLASS_WARMUP_TIME = Duration.ofSeconds(10);

  /**
   * Short compaction delays so the TSM size is that of fully compacted files, as a long-lived
   * server's.
   */
  private static final String COMPACT_SOON =
      "  compact-full-write-cold-duration = \"2s\"\n  cache-snapshot-write-cold-duration = \"1s\"";

  private final RunnerOptions options;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<String> notes = new ArrayList<>();
  private final long started = System.nanoTime();

  EndToEndRunner(RunnerOptions options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    RunnerOptions options;
    try {
      options = RunnerOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    EndToEndReport report = new EndToEndRunner(options).run();
    System.out.println(ReportWriter.markdown(report));
    System.out.println("written: " + ReportWriter.write(report, options.out()));
  }

  /** One whole run; the report is also what {@link ReportWriter} writes. */
  EndToEndReport run() throws Exception {
    Path work = Files.createTempDirectory("tidewater-e2e-");
    try (InfluxServer influx = InfluxServer.start(options.waitForCompaction() ? COMPACT_SOON : "");
        S3Server s3 = options.store().equals("s3") ? S3Server.start() : null) {
      String db = influx.newDatabase("bench");
      Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES);
      progress("loading %d hosts x %d days into influxd", options.hosts(), options.days());
      DataSet data = DataSet.load(influx, db, options.hosts(), options.days(), end);
      long rows = data.rows();
      long values = data.values();
      progress("loaded %,d rows; waiting for InfluxDB's compaction", rows);
      long tsm =
          options.waitForCompaction()
              ? TsmFiles.awaitCompactedSize(influx.dataDir())
              : TsmFiles.size(influx.dataDir());
      progress("TSM files: %,d bytes; reading every point back (the export's peer)", tsm);
      double rawRate = rows / rawReadSeconds(influx.url(), data);

      Map<String, String> settings = new LinkedHashMap<>();
      Path policies = Files.createDirectories(work.resolve("policies"));
      Files.writeString(policies.resolve(POLICY + ".yaml"), policy(db));
      settings.put("tidewater.policies.folder", policies.toString());
      settings.put("tidewater.influx.url", influx.url().toString());
      settings.put("tidewater.cdc.log-dir", work.resolve("cdc-log").toString());
      settings.put("tidewater.export.scheduled", "false");
      LakeStore lake = lake(work, s3, settings);
      try (GatewayProcess gateway =
              GatewayProcess.start(options.gatewayJar(), settings, work.resolve("gateway.log"));
          LiveWriter live = new LiveWriter(data, gateway.url())) {
        progress("exporting through the gateway");
        EndToEndReport.Export export = export(gateway.url(), rawRate);
        int late = options.waitForCompaction() ? 20 : 3;
        write(gateway.url(), db, data.latePoints(late, new Random(3)));
        if (options.waitForCompaction()) {
          // Measured in the steady state: a repair re-exporting the late points' windows in the
          // middle of a class (their settle delay is a minute) measured the repair, and changed
          // the routes between classes.
          progress("waiting for the late points' dirty windows to be re-exported");
          awaitRepaired(gateway.url());
        }
        EndToEndReport.Size size = size(lake, db, tsm, values);

        String glob =
            lake.location() instanceof LakeLocation.Local local
                ? local.root().resolve(db).resolve("cpu").resolve("res=raw") + "/**/*.parquet"
                : null;
        if (glob == null) {
          notes.add(
              "DuckDB does not take part with --store s3: its httpfs extension cannot be installed offline.");
        }
        List<EndToEndReport.ClassResult> classes = new ArrayList<>();
        long[] cacheBefore = cache(gateway.url());
        try (GatewaySql ours = new GatewaySql(gateway.url());
            InfluxQl influxql = new InfluxQl(influx.url(), db);
            DuckDbLake duckdb = new DuckDbLake()) {
          warmUp(ours, db, data.start);
          for (QueryClass c : options.classes()) {
            progress("query class %s", c.label);
            QueryClass.Context context =
                new QueryClass.Context(db, options.hosts(), data.start, Instant.now(), glob);
            // Other questions of the class first, on the gateway only (its JIT; the peers are
            // native): the measured ones are not among them, so none is in its result cache.
            Random other = new Random(1000 + c.ordinal());
            List<Question> before = new ArrayList<>();
            for (int i = 0; i < CLASS_WARMUP; i++) {
              before.add(c.ask(other, context));
            }
            QueryLoad.run(
                ours,
                before,
                0,
                options.concurrency(),
                Collections.min(List.of(CLASS_WARMUP_TIME, options.gatewayWarmup())));
            Random random = new Random(100 + c.ordinal());
            List<Question> questions = new ArrayList<>();
            for (int i = 0; i < options.warmup() + options.maxQueries(); i++) {
              questions.add(c.ask(random, context));
            }
            classes.add(measure(c, questions, gateway.url(), ours, influxql, duckdb));
          }
          ServerHold.await(gateway.url(), influx.url(), db, m -> progress("%s", m));
        }
        long[] cacheAfter = cache(gateway.url());
        long hits = cacheAfter[0] - cacheBefore[0];
        long misses = cacheAfter[1] - cacheBefore[1];
        if (live.failures() > 0) {
          notes.add("live writes failed " + live.failures() + " times: " + live.lastError());
        }
        return new EndToEndReport(
            machine(),
            new EndToEndReport.Data(
                options.hosts(),
                options.days(),
                options.hosts() * DataSet.MEASUREMENTS.length,
                rows,
                values,
                late,
                live.lines()),
            new EndToEndReport.Setup(
                options.store(),
                options.concurrency(),
                options.budget().toMillis() / 1000.0,
                options.maxQueries(),
                options.warmup(),
                options.gatewayWarmup().toMillis() / 1000.0),
            classes,
            export,
            size,
            new EndToEndReport.Cache(
                hits,
                misses,
                hits + misses == 0 ? 0 : QueryLoad.round((double) hits / (hits + misses))),
            notes);
      } finally {
        lake.close();
      }
    }
  }

  /**
   * Asks the gateway questions of every class, drawn apart from the measured ones, for the
   * configured time: a server that has been up for a while has compiled its hot code.
   */
  private void warmUp(GatewaySql gateway, String db, Instant historyStart)
      throws InterruptedException {
    if (options.gatewayWarmup().isZero()) {
      return;
    }
    progress("warming the gateway up for %.0f s", options.gatewayWarmup().toMillis() / 1000.0);
    QueryClass.Context context =
        new QueryClass.Context(db, options.hosts(), historyStart, Instant.now(), null);
    // Made as they are asked, as many as the time allows (a fixed number ran out early).
    List<QueryClass> classes = options.classes();
    List<Question> questions =
        new AbstractList<>() {
          @Override
          public Question get(int i) {
            return classes
                .get(i % classes.size())
                .ask(new Random(0x9E3779B97F4A7C15L * (i + 1)), context);
          }

          @Override
          public int size() {
            return 1_000_000;
          }
        };
    QueryLoad.run(gateway, questions, 0, options.concurrency(), options.gatewayWarmup());
  }

  /**
   * Every system asked the same questions, in turns of {@link #TURN} (gateway, InfluxDB, DuckDB,
   * gateway, ...: the ratios below rely on that order); the gateway's cache counted around them.
   */
  private EndToEndReport.ClassResult measure(
      QueryClass c, List<Question> questions, URI gateway, QuerySystem... systems)
      throws Exception {
    List<QuerySystem> asked =
        Arrays.stream(systems).filter(s -> s.answers(questions.get(0))).toList();
    long[] before = cache(gateway);
    List<QueryLoad.Outcome> answered =
        QueryLoad.inTurns(
            asked, questions, options.warmup(), options.concurrency(), options.budget(), TURN);
    long[] after = cache(gateway);
    // Only the gateway has this cache: its counts over the turns are the gateway's.
    long[] cache = {after[0] - before[0], after[1] - before[1]};
    List<EndToEndReport.SystemResult> results = new ArrayList<>();
    Map<String, QueryLoad.Outcome> outcomes = new LinkedHashMap<>();
    for (QuerySystem s : systems) {
      int i = asked.indexOf(s);
      if (i < 0) {
        results.add(
            new EndToEndReport.SystemResult(
                s.name(), 0, 0, "cannot answer: " + c.duckdbCoverage, null, null, null, null));
      } else {
        outcomes.put(s.name(), answered.get(i));
        results.add(answered.get(i).summary(s.name()));
      }
    }
    int compared = 0;
    int same = 0;
    QueryLoad.Outcome ours = outcomes.get("gateway");
    QueryLoad.Outcome peer = outcomes.get("influxdb");
    for (int i = 0; ours != null && peer != null && i < ours.rows().length; i++) {
      if (ours.rows()[i] >= 0 && peer.rows()[i] >= 0) {
        compared++;
        same += ours.rows()[i] == peer.rows()[i] ? 1 : 0;
      }
    }
    Double p95 = results.get(0).p95();
    Double vsInflux = ratio(p95, results.get(1).p95());
    Double vsDuck = ratio(p95, results.get(2).p95());
    return new EndToEndReport.ClassResult(
        c.name(),
        c.label,
        c.description,
        c.target,
        c.goalMillis(),
        c.duckdbCoverage.name(),
        results,
        vsInflux,
        vsDuck,
        p95 == null ? null : p95 <= c.goalMillis(),
        same,
        compared,
        cache[0],
        cache[1]);
  }

  private static Double ratio(Double ours, Double theirs) {
    return ours == null || theirs == null || theirs == 0 ? null : QueryLoad.round(ours / theirs);
  }

  /**
   * The benchmark's policy: 2 days hot, then the lake with hourly rollups; raw to a cooler class
   * after 14 days.
   */
  static String policy(String db) {
    return """
        name: %s
        source: { database: %s, measurements: [cpu, mem] }
        window: 1h
        settle: 1m
        tiers:
          hot:  { keep: 2d }
          warm: { after: 2d, rollups: [1h] }
          cold: { after: 14d, rollups: [1h], raw: cool }
        lake:
          partition-by: day
          compression: zstd
        """
        .formatted(POLICY, db);
  }

  /**
   * The lake the gateway writes to, for reading its sizes; its settings added to {@code settings}.
   */
  private static LakeStore lake(Path work, S3Server s3, Map<String, String> settings) {
    if (s3 == null) {
      Path root = work.resolve("lake");
      settings.put("tidewater.lake.uri", root.toUri().toString());
      return new LocalLakeStore(new LakeLocation.Local(root));
    }
    S3LakeStore store = S3Lakes.create(s3, "bench");
    settings.put("tidewater.lake.uri", "s3://bench/lake");
    settings.put("tidewater.lake.s3.endpoint", s3.endpoint().toString());
    settings.put("tidewater.lake.s3.path-style", "true");
    settings.put("tidewater.lake.s3.region", S3Server.REGION);
    settings.put("tidewater.lake.s3.access-key", S3Server.ACCESS_KEY);
    settings.put("tidewater.lake.s3.secret-key", S3Server.SECRET_KEY);
    return store;
  }

  /**
   * The fastest chunked read of every loaded point (both measurements, either answer format), best
   * of two.
   */
  private static double rawReadSeconds(URI influx, DataSet data) throws Exception {
    long from = data.start.getEpochSecond() * 1_000_000_000L;
    long to = data.end.getEpochSecond() * 1_000_000_000L;
    double best = Double.MAX_VALUE;
    for (String accept : new String[] {"application/json", "application/x-msgpack"}) {
      for (int i = 0; i < 2; i++) {
        long t0 = System.nanoTime();
        for (String m : DataSet.MEASUREMENTS) {
          ExportThroughputReport.rawRead(influx, data.database, m, from, to, accept);
        }
        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      }
    }
    return best;
  }

  /**
   * Runs the policy's export through the jobs API and waits for it; the job's own start and finish
   * time it.
   */
  private EndToEndReport.Export export(URI gateway, double rawRate) throws Exception {
    JsonNode last = PolicyRuns.runAndWait(http, gateway, POLICY);
    if (last.path("windowsFailed").asInt() > 0) {
      notes.add(
          "export: "
              + last.path("windowsFailed").asInt()
              + " windows failed: "
              + last.path("failures"));
    }
    double seconds =
        Duration.between(
                    Instant.parse(last.path("started").asText()),
                    Instant.parse(last.path("finished").asText()))
                .toMillis()
            / 1000.0;
    long rows = last.path("rows").asLong();
    double rate = rows / seconds;
    return new EndToEndReport.Export(
        rows,
        last.path("windowsExported").asInt(),
        last.path("bytes").asLong(),
        seconds,
        Math.round(rate),
        Math.round(rawRate),
        QueryLoad.round(rate / rawRate),
        rate / rawRate >= 0.8);
  }

  private void write(URI gateway, String db, String lines) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    gateway.resolve(
                        "/write?precision=ns&db=" + URLEncoder.encode(db, StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(lines))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 204) {
      throw new IllegalStateException(
          "late points were refused: " + r.statusCode() + " " + r.body());
    }
  }

  private EndToEndReport.Size size(LakeStore lake, String db, long tsm, long values) {
    long raw = 0;
    for (String m : DataSet.MEASUREMENTS) {
      raw += lake.list(db + "/" + m + "/res=raw/").stream().mapToLong(ObjectInfo::size).sum();
    }
    if (!options.waitForCompaction()) {
      notes.add("smoke run: InfluxDB's TSM files were not compacted before they were measured");
    }
    return new EndToEndReport.Size(
        raw,
        tsm,
        values,
        QueryLoad.round((double) raw / values),
        QueryLoad.round((double) tsm / values),
        tsm == 0 ? null : QueryLoad.round((double) raw / tsm),
        options.waitForCompaction());
  }

  /** The gateway's result-cache hits and misses so far, from its Prometheus metrics. */
  /** Waits until the gateway has no dirty window (at most 5 minutes). */
  private void awaitRepaired(URI gateway) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (metric(gateway, "tidewater_cdc_dirty_windows") > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the late points' dirty windows were not re-exported");
      }
      Thread.sleep(1000);
    }
  }

  private double metric(URI gateway, String name) throws Exception {
    String metrics =
        http.send(
                HttpRequest.newBuilder(gateway.resolve("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new IllegalStateException("the gateway has no metric " + name);
  }

  private long[] cache(URI gateway) throws Exception {
    return new long[] {
      (long) metric(gateway, "tidewater_query_cache_hits_total"),
      (long) metric(gateway, "tidewater_query_cache_misses_total")
    };
  }

  private static EndToEndReport.Machine machine() {
    long memory =
        ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize()
            >> 20;
    return new EndToEndReport.Machine(
        Runtime.getRuntime().availableProcessors(),
        memory,
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
        influxdVersion(),
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
  }

  private static String influxdVersion() {
    try {
      Process p = new ProcessBuilder("influxd", "version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor();
      return out.isEmpty() ? "influxd" : out;
    } catch (Exception e) {
      return "influxd (version unknown)";
    }
  }

  private void progress(String format, Object... args) {
    System.err.printf(
        "[end-to-end %4.0fs] %s%n",
        (System.nanoTime() - started) / 1e9, String.format(format, args));
  }
}
