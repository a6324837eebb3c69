package io.tidewater.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged gateway is killed (kill -9) while a subscription-like writer streams late points
 * into an exported window. After a restart on the same change log, every acknowledged write is
 * reflected in the lake (the log is replayed, the window re-exported once settled), and points sent
 * while the gateway was down are found by reconciliation and repaired.
 */
class CdcKillIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path dir;

  InfluxServer influx;
  String db;
  Instant start;

  @Test
  void acknowledgedWritesSurviveAKillAndMissedOnesAreReconciled() throws Exception {
    influx = TestServers.influx();
    db = influx.newDatabase("cdckill");
    start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));
    StringBuilder lp = new StringBuilder();
    for (int i = 0; i < 120; i++) {
      lp.append("cpu,host=h0 usage=")
          .append(i)
          .append(".5 ")
          .append(ns(start.plusSeconds(60L * i)))
          .append('\n');
    }
    influx.write(db, lp.toString());
    Path policies = Files.createDirectories(dir.resolve("policies"));
    // Settling takes long enough that the kill comes before the re-export: only the log can carry
    // the change over.
    Files.writeString(
        policies.resolve("p.yaml"),
        """
        name: kill
        source: { database: %s, measurements: [cpu] }
        window: 1h
        settle: 15s
        tiers:
          hot: { keep: 30d }
          warm: { after: 30d }
        """
            .formatted(db));
    int port = freePort();
    Process gateway = start(policies, port, "first");
    try {
      post(port, "/v1/jobs/kill/run");
      await("the export", port, j -> j.get("lastRun") != null && !j.getBoolean("running"));
      Window w0 = new Window(start, start.plusSeconds(3600));
      Window w1 = new Window(start.plusSeconds(3600), start.plusSeconds(7200));
      assertEquals(influx(w1), lake(w1));

      // A subscription's deliveries into w1: InfluxDB stores each batch, then forwards it.
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger acknowledged = new AtomicInteger();
      Thread writer =
          new Thread(
              () -> {
                Random random = new Random(7);
                for (int batch = 0; !stop.get(); batch++) {
                  StringBuilder body = new StringBuilder();
                  for (int i = 0; i < 50; i++) {
                    body.append("cpu,host=w")
                        .append(batch % 5)
                        .append(" usage=")
                        .append(random.nextInt(1000))
                        .append(".25 ")
                        .append(ns(w1.start()) + random.nextInt(3_600_000) * 1_000_000L)
                        .append('\n');
                  }
                  influx.write(db, body.toString());
                  try {
                    if (send(port, body.toString()) == 204) {
                      acknowledged.incrementAndGet();
                    }
                  } catch (IOException down) {
                    return; // the gateway is gone: the subscription drops what follows
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      writer.start();
      Thread.sleep(1000 + new Random().nextInt(1500));
      gateway.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL
      stop.set(true);
      writer.join(10_000);
      assertTrue(acknowledged.get() > 0, "some writes were acknowledged before the kill");
      assertNotEquals(
          influx(w1), lake(w1), "killed before the settle delay: the lake does not have them yet");

      // While the gateway is down, InfluxDB takes writes the subscription cannot deliver.
      influx.write(db, "cpu,host=down usage=5.5 " + (ns(w0.start()) + 17));

      gateway = start(policies, port, "second");
      // Nothing was repaired or trimmed before the kill: the log must hold every acknowledged
      // write.
      String metrics =
          HTTP.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      double replayed =
          metrics
              .lines()
              .filter(l -> l.startsWith("tidewater_cdc_replayed_writes "))
              .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
              .findFirst()
              .orElse(-1);
      assertTrue(
          replayed >= acknowledged.get(),
          replayed + " writes replayed, " + acknowledged.get() + " acknowledged");
      await(
          "the replayed window's re-export",
          port,
          j -> j.getInt("changes.dirtyWindows") == 0 && j.get("changes.lastRepair") != null);
      assertEquals(
          influx(w1),
          lake(w1),
          "every acknowledged write (and the rest of InfluxDB's window) is in the lake");
      assertNotEquals(influx(w0), lake(w0), "never delivered: not yet known");

      JsonPath found = JsonPath.from(post(port, "/v1/jobs/kill/reconcile"));
      assertEquals(1, found.getInt("mismatches"), found.prettify());
      await(
          "the reconciled window's re-export",
          port,
          j -> j.getInt("changes.dirtyWindows") == 0 && influx(w0).equals(lake(w0)));
    } finally {
      gateway.destroyForcibly();
    }
  }

  record Window(Instant start, Instant end) {}

  private Process start(Path policies, int port, String name) throws Exception {
    Path log = dir.resolve("gateway-" + name + ".log");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dtidewater.auth.enabled=false",
                "-Dtidewater.policies.folder=" + policies,
                "-Dtidewater.influx.url=" + influx.url(),
                "-Dtidewater.lake.uri=" + dir.resolve("lake").toUri(),
                "-Dtidewater.cdc.log-dir=" + dir.resolve("cdc-log"),
                "-Dtidewater.cdc.repair-interval=1s",
                "-Dtidewater.export.scheduled=false",
                "-Dquarkus.http.port=" + port,
                "-jar",
                System.getProperty("quarkus.app.jar"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        if (HTTP.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/q/health/live"))
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return p;
        }
      } catch (IOException notYet) {
        // starting
      }
      if (!p.isAlive()) {
        break;
      }
      Thread.sleep(200);
    }
    p.destroyForcibly();
    throw new AssertionError("the gateway did not start:\n" + Files.readString(log));
  }

  private int send(int port, String body) throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + port
                            + "/write?db="
                            + db
                            + "&rp=autogen&precision=ns"))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static String post(int port, String path) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertTrue(r.statusCode() / 100 == 2, r.statusCode() + " " + r.body());
    return r.body();
  }

  private void await(String what, int port, Predicate<JsonPath> done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    JsonPath job = null;
    while (System.nanoTime() < deadline) {
      job =
          JsonPath.from(
              HTTP.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + port + "/v1/jobs/kill"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      if (done.test(job)) {
        return;
      }
      Thread.sleep(300);
    }
    throw new AssertionError(
        "timed out waiting for " + what + ": " + (job == null ? "" : job.prettify()));
  }

  private static long ns(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** host -> "count sum" per InfluxQL. */
  private Map<String, String> influx(Window w) {
    Map<String, String> out = new TreeMap<>();
    JsonPath r =
        JsonPath.from(
            influx.query(
                db,
                "SELECT count(usage), sum(usage) FROM cpu WHERE time >= '"
                    + w.start()
                    + "' AND time < '"
                    + w.end()
                    + "' GROUP BY host"));
    List<Map<String, Object>> series = r.getList("results[0].series");
    if (series != null) {
      for (Map<String, Object> s : series) {
        @SuppressWarnings("unchecked")
        List<Object> row = ((List<List<Object>>) s.get("values")).get(0);
        @SuppressWarnings("unchecked")
        String host = ((Map<String, String>) s.get("tags")).get("host");
        out.put(
            host, ((Number) row.get(1)).longValue() + " " + ((Number) row.get(2)).doubleValue());
      }
    }
    return out;
  }

  /**
   * host -> "count sum" per DuckDB over every Parquet file of the window's folder (only the newest
   * version remains).
   */
  private Map<String, String> lake(Window w) {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT host, count(usage), sum(usage) FROM read_parquet('"
                    + dir.resolve("lake")
                    + "/**/*.parquet') WHERE \"time\" >= TIMESTAMPTZ '"
                    + w.start()
                    + "' AND \"time\" < TIMESTAMPTZ '"
                    + w.end()
                    + "' GROUP BY host")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2) + " " + rs.getDouble(3));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
