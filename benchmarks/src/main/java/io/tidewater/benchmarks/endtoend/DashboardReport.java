package io.tidewater.benchmarks.endtoend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidewater.benchmarks.GatewayProcess;
import io.tidewater.benchmarks.Percentiles;
import io.tidewater.testing.InfluxServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Grafana-like dashboard load (issue 24): the panels of {@link DashboardPanel}, each refreshed
 * with a range moved 10 s at every refresh, asked of InfluxDB's {@code /query} directly (it keeps
 * the whole history) and of the gateway's {@code /query} (the same InfluxDB for the hot days, the
 * lake's files and 1h rollups before them), alternately in one run; p50 and p95 per panel and
 * system. Writes {@code dashboard.md} to the results folder.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar
 * io.tidewater.benchmarks.endtoend.DashboardReport [hosts=20] [days=91] [hot-runs=200]
 * [long-runs=40] [out=benchmarks/results]}
 */
public final class DashboardReport {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long STEP_MILLIS = 10_000;
  private static final int WARM_HOT_PAIRS = 20_000;
  private static final int WARM_LONG_PAIRS = 10;

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final long started = System.nanoTime();

  /** One panel's measured refreshes. */
  record PanelResult(DashboardPanel panel, double[] ours, double[] influx, String mismatch) {

    double p(double[] times, double p) {
      return Percentiles.of(times, p);
    }
  }

  public static void main(String[] args) throws Exception {
    int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int days = args.length > 1 ? Integer.parseInt(args[1]) : 91;
    int hotRuns = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    int longRuns = args.length > 3 ? Integer.parseInt(args[3]) : 40;
    Path out = Path.of(args.length > 4 ? args[4] : "benchmarks/results");
    if (days < 91) {
      throw new IllegalArgumentException("days must be >= 91: the longest panel spans 90 days");
    }
    Files.createDirectories(out);
    String md = new DashboardReport().run(hosts, days, hotRuns, longRuns);
    System.out.println(md);
    Files.writeString(out.resolve("dashboard.md"), md);
  }

  private String run(int hosts, int days, int hotRuns, int longRuns) throws Exception {
    Path work = Files.createTempDirectory("tidewater-dashboard-");
    try (InfluxServer influx = InfluxServer.start()) {
      String db = influx.newDatabase("bench");
      Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES);
      progress("loading %d hosts x %d days into influxd", hosts, days);
      DataSet data = DataSet.load(influx, db, hosts, days, end);
      Map<String, String> settings = new LinkedHashMap<>();
      Path policies = Files.createDirectories(work.resolve("policies"));
      Files.writeString(
          policies.resolve(EndToEndRunner.POLICY + ".yaml"), EndToEndRunner.policy(db));
      settings.put("tidewater.policies.folder", policies.toString());
      settings.put("tidewater.influx.url", influx.url().toString());
      settings.put("tidewater.cdc.log-dir", work.resolve("cdc-log").toString());
      settings.put("tidewater.export.scheduled", "false");
      settings.put("tidewater.lake.uri", work.resolve("lake").toUri().toString());
      try (GatewayProcess gateway =
          GatewayProcess.start(GatewayProcess.DEFAULT_JAR, settings, work.resolve("gw.log"))) {
        progress("loaded %,d rows; exporting through the gateway", data.rows());
        JsonNode export = PolicyRuns.runAndWait(http, gateway.url(), EndToEndRunner.POLICY);
        progress(
            "exported %,d rows in %d windows",
            export.path("rows").asLong(), export.path("windowsExported").asInt());
        long last = end.toEpochMilli();
        warmUp(gateway.url(), db, last);
        ServerHold.await(gateway.url(), influx.url(), db, m -> progress("%s", m));
        List<PanelResult> results = new ArrayList<>();
        for (DashboardPanel panel : DashboardPanel.values()) {
          int runs = panel.hot() ? hotRuns : longRuns;
          progress("panel %s: %d refreshes of each", panel.label, runs);
          results.add(measure(panel, runs, gateway.url(), influx.url(), db, last));
        }
        return markdown(results, hosts, days, data.rows(), hotRuns, longRuns);
      }
    }
  }

  /**
   * The gateway is a long-running server: 30 s of every panel before anything is measured, so its
   * JIT has compiled the planner (InfluxDB is native).
   */
  private void warmUp(URI gateway, String db, long last) throws Exception {
    progress("warming the gateway up for 30 s");
    long until = System.nanoTime() + 30_000_000_000L;
    for (int i = 0; System.nanoTime() < until; i++) {
      DashboardPanel panel = DashboardPanel.values()[i % DashboardPanel.values().length];
      query(gateway, db, panel.statement(last - (1000 + i % 180) * STEP_MILLIS));
    }
  }

  /**
   * Alternating refreshes (ours first on even runs, InfluxDB's on odd), each with the range moved
   * 10 s back from the data's end, after unmeasured pairs (20,000 or a minute's for a hot panel, 10
   * for a long one); the first answers are compared.
   */
  private PanelResult measure(
      DashboardPanel panel, int runs, URI gateway, URI influx, String db, long last)
      throws Exception {
    String mismatch =
        difference(
            query(gateway, db, panel.statement(last)), query(influx, db, panel.statement(last)));
    // A hot panel answers in a few milliseconds: 10 pairs left the JIT of its own path (not the
    // planner's, warmed above) cold (3.5x where 300 warm pairs gave 1.75-2.0x), and 300 pairs
    // still left the event-loop pass-through partly interpreted (2.4x at p50 where a gateway held
    // for thousands of requests measured 1.5x). 3,000 pairs still measured 1.73-1.77x where the
    // same code held for tens of thousands of requests measured 1.5-1.6x: HotSpot compiles a
    // method with C2 only after 5,000-15,000 calls, so the per-request code still ran in C1's
    // profiling tier. A dashboard of ten panels refreshed every 10 s sends 20,000 requests in
    // under six hours: the server's steady state is what is measured. At most a minute of them: a
    // 100 ms panel has had 600 pairs by then.
    int unmeasured = panel.hot() ? WARM_HOT_PAIRS : WARM_LONG_PAIRS;
    long until = System.nanoTime() + 60_000_000_000L;
    for (int i = 0; i < unmeasured && (i < WARM_LONG_PAIRS || System.nanoTime() < until); i++) {
      String q = panel.statement(last - (200 + i % 180) * STEP_MILLIS);
      query(gateway, db, q);
      query(influx, db, q);
    }
    double[] ours = new double[runs];
    double[] theirs = new double[runs];
    for (int i = 0; i < runs; i++) {
      String q = panel.statement(last - (i % 180) * STEP_MILLIS);
      if (i % 2 == 0) {
        ours[i] = timed(gateway, db, q);
        theirs[i] = timed(influx, db, q);
      } else {
        theirs[i] = timed(influx, db, q);
        ours[i] = timed(gateway, db, q);
      }
    }
    return new PanelResult(panel, ours, theirs, mismatch);
  }

  private double timed(URI server, String db, String q) throws Exception {
    long t0 = System.nanoTime();
    query(server, db, q);
    return (System.nanoTime() - t0) / 1e6;
  }

  /** Grafana's request: a POST form with the statement, epoch=ms; the whole body read. */
  private JsonNode query(URI server, String db, String q) throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(server.resolve("/query"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "epoch=ms&db="
                            + URLEncoder.encode(db, StandardCharsets.UTF_8)
                            + "&q="
                            + URLEncoder.encode(q, StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    JsonNode body = JSON.readTree(r.body());
    if (r.statusCode() != 200 || body.path("results").path(0).has("error")) {
      throw new IllegalStateException(server + " " + r.statusCode() + ": " + body + " for " + q);
    }
    return body;
  }

  /**
   * Where the gateway's answer differs from InfluxDB's (series by name and tags, values equal,
   * floats within 1e-9 relative), or null.
   */
  static String difference(JsonNode ours, JsonNode theirs) {
    Map<String, JsonNode> a = series(ours);
    Map<String, JsonNode> b = series(theirs);
    if (!a.keySet().equals(b.keySet())) {
      return "series " + a.keySet() + " vs " + b.keySet();
    }
    for (Map.Entry<String, JsonNode> e : a.entrySet()) {
      JsonNode x = e.getValue().path("values");
      JsonNode y = b.get(e.getKey()).path("values");
      if (x.size() != y.size()) {
        return e.getKey() + ": " + x.size() + " rows vs " + y.size();
      }
      for (int r = 0; r < x.size(); r++) {
        for (int c = 0; c < Math.max(x.get(r).size(), y.get(r).size()); c++) {
          if (!same(x.get(r).path(c), y.get(r).path(c))) {
            return e.getKey() + " row " + r + ": " + x.get(r) + " vs " + y.get(r);
          }
        }
      }
    }
    return null;
  }

  private static boolean same(JsonNode x, JsonNode y) {
    if (x.isNumber() && y.isNumber()) {
      double u = x.asDouble();
      double v = y.asDouble();
      return u == v || Math.abs(u - v) <= 1e-9 * Math.max(Math.abs(u), Math.abs(v));
    }
    return x.equals(y);
  }

  private static Map<String, JsonNode> series(JsonNode body) {
    Map<String, JsonNode> all = new TreeMap<>();
    for (JsonNode s : body.path("results").path(0).path("series")) {
      all.put(s.path("name").asText() + s.path("tags"), s);
    }
    return all;
  }

  static String markdown(
      List<PanelResult> results, int hosts, int days, long rows, int hotRuns, int longRuns) {
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            Locale.ROOT,
            """
            ## Grafana dashboard panels: the gateway's /query vs InfluxDB's

            %d hosts x %d days, one cpu and one mem point per host a minute (%,d rows) in a real
            influxd that keeps them all; the gateway in front of the same influxd with the
            end-to-end policy (2 days hot, the lake with 1h rollups before) after its export.
            Each panel refreshed with its range moved 10 s at every refresh (a new statement
            each time), Grafana's request (POST form, `epoch=ms`), alternating the two systems
            (%d refreshes of each per hot panel, %d per long panel, after %,d or a minute's (hot) or 10 (long)
            unmeasured pairs and 30 s of the gateway's warm-up). Machine: %d cores, %s %s.

            | panel | statement | gateway p50 / p95 (ms) | InfluxDB p50 / p95 (ms) | ratio p50 / p95 | goal | same answer |
            |---|---|---:|---:|---:|---|---|
            """,
            hosts,
            days,
            rows,
            hotRuns,
            longRuns,
            WARM_HOT_PAIRS,
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.vm.name"),
            System.getProperty("java.version")));
    for (PanelResult r : results) {
      double o50 = r.p(r.ours(), 50);
      double o95 = r.p(r.ours(), 95);
      double t50 = r.p(r.influx(), 50);
      double t95 = r.p(r.influx(), 95);
      String goal = r.panel().hot() ? "<= 1.5x (hot only)" : "< 1.0x (rollups)";
      boolean met = r.panel().hot() ? o50 / t50 <= 1.5 && o95 / t95 <= 1.5 : o50 < t50;
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | `%s` | %.1f / %.1f | %.1f / %.1f | %.2fx / %.2fx | %s: %s | %s |%n",
              r.panel().label,
              r.panel().template.replace("|", "\\|"),
              o50,
              o95,
              t50,
              t95,
              o50 / t50,
              o95 / t95,
              goal,
              met ? "met" : "not met",
              r.mismatch() == null ? "yes" : "NO: " + r.mismatch()));
    }
    return md.toString();
  }

  private void progress(String format, Object... args) {
    System.err.printf(
        "[dashboard %4.0fs] %s%n",
        (System.nanoTime() - started) / 1e9, String.format(format, args));
  }
}
