package io.tidewater.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leases across crashes, on the packaged gateway: killed (kill -9) in the middle of an export and
 * restarted on the same port (so with the same default id), it runs the export again at once,
 * without waiting out its previous life's lease. Another gateway, meanwhile, is told who holds the
 * policy (409 LEASE_HELD) and takes over once it has seen the lease unrenewed for its ttl by its
 * own clock; in the end the lake holds exactly what InfluxDB holds.
 */
class ExportRestartIT {

  @TempDir Path dir;

  @Test
  void aRestartedGatewayExportsAtOnceAndAnotherTakesOverAfterTheLapse() throws Exception {
    InfluxServer influx = TestServers.influx();
    String db = influx.newDatabase("restart");
    Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(30));
    long startNs = start.toEpochMilli() * 1_000_000L;
    for (int day = 0; day < 30; day++) {
      StringBuilder lp = new StringBuilder();
      for (int minute = 0; minute < 1440; minute++) {
        for (int host = 0; host < 10; host++) {
          long t = startNs + ((day * 1440L + minute) * 60 + host) * 1_000_000_000L;
          lp.append("cpu,host=h").append(host).append(" usage=").append(minute % 97).append(".5 ");
          lp.append(t).append('\n');
        }
      }
      influx.write(db, lp.toString());
    }
    Path policies = Files.createDirectories(dir.resolve("policies"));
    Files.writeString(
        policies.resolve("p.yaml"),
        """
        name: restart
        source: { database: %s, measurements: [cpu] }
        window: 1h
        tiers:
          hot: { keep: 60d }
          warm: { after: 60d }
        """
            .formatted(db));
    List<String> lake =
        List.of(
            "-Dtidewater.lake.uri=" + dir.resolve("lake").toUri(),
            "-Dtidewater.policies.folder=" + policies,
            "-Dtidewater.export.scheduled=false",
            "-Dtidewater.export.lease-ttl=PT20S");
    int port = GatewayProcess.freePort();
    String id = InetAddress.getLocalHost().getHostName() + ":" + port;

    // First life: killed while exporting.
    GatewayProcess first =
        GatewayProcess.start(dir.resolve("a"), influx.url(), List.of(), lake, port);
    try {
      assertEquals(200, first.awaitReady(), first.log());
      assertEquals(202, first.post("/v1/jobs/restart/run", "").statusCode(), first.log());
      awaitRunning(first);
      awaitLease(id);
      // Killed at once: the faster the export, the fewer windows the second life has left, and
      // it must still be running when its lease is looked for (once it was not, after 500 ms here).
    } finally {
      first.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    // Second life, same port and id: runs at once, then is killed too, holding the lease.
    GatewayProcess second =
        GatewayProcess.start(dir.resolve("a"), influx.url(), List.of(), lake, port);
    try {
      assertEquals(200, second.awaitReady(), second.log());
      long asked = System.nanoTime();
      HttpResponse<String> run = second.post("/v1/jobs/restart/run", "");
      assertEquals(202, run.statusCode(), run.body());
      awaitRunning(second);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
      assertTrue(ms < 10_000, "running " + ms + " ms after the request, not after the lease");
      awaitLease(id);
    } finally {
      second.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    // Another gateway: told who holds it, then takes over once the lease lapsed by its clock.
    GatewayProcess other =
        GatewayProcess.start(
            dir.resolve("b"),
            influx.url(),
            List.of("-Dtidewater.export.gateway-id=other"),
            lake,
            GatewayProcess.freePort());
    try {
      assertEquals(200, other.awaitReady(), other.log());
      HttpResponse<String> held = other.post("/v1/jobs/restart/run", "");
      assertEquals(409, held.statusCode(), held.body() + "\n" + logs());
      assertEquals("LEASE_HELD", JsonPath.from(held.body()).getString("code"));
      assertTrue(held.body().contains("gateway " + id), held.body());
      JsonPath status = JsonPath.from(other.get("/v1/jobs/restart").body());
      assertEquals(id, status.getString("heldBy.owner"));
      Thread.sleep(21_000);
      HttpResponse<String> taken = other.post("/v1/jobs/restart/run", "");
      assertEquals(202, taken.statusCode(), taken.body());
      JsonPath last = awaitFinished(other);
      assertEquals(0, last.getInt("lastRun.windowsFailed"), last.prettify());
      assertTrue(
          last.getInt("lastRun.windowsExported") + last.getInt("lastRun.windowsAlreadyDone") > 700,
          "the run looked at every window under the lease: " + last.prettify());
      // The lake holds what InfluxDB holds in every exported window.
      Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
      String where =
          " WHERE \"time\" >= TIMESTAMP '"
              + start.toString().replace('T', ' ').replace("Z", "")
              + "' AND \"time\" < TIMESTAMP '"
              + end.toString().replace('T', ' ').replace("Z", "")
              + "'";
      long lakeCount = count(other, "lake.\"" + db + "\".cpu" + where);
      long influxCount = count(other, "influxdb.\"" + db + "\".cpu" + where);
      assertTrue(influxCount > 0);
      assertEquals(influxCount, lakeCount, "every point of the exported windows, once");
      // InfluxDB's /query over the JDK client's default HTTP/2 (an h2c upgrade, then HTTP/2), a
      // form as Grafana's POST mode sends it: the packaged gateway once answered it with a 500.
      for (int i = 0; i < 2; i++) {
        HttpResponse<String> q =
            other.postForm("/query", "db=" + db + "&q=SELECT+count%28*%29+FROM+cpu");
        assertEquals(200, q.statusCode(), q.version() + ": " + q.body());
        assertTrue(q.body().contains("\"values\":[["), q.body());
      }
    } finally {
      other.close();
    }
  }

  /** The leases and the gateways' logs, for a failure's message. */
  private String logs() throws Exception {
    StringBuilder out = new StringBuilder();
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted().toList()) {
        if (p.toString().contains("_leases") && Files.isRegularFile(p)) {
          out.append(p).append(": ").append(Files.readString(p)).append('\n');
        } else if (p.getFileName().toString().endsWith(".log")) {
          out.append("==== ").append(p).append('\n').append(Files.readString(p)).append('\n');
        }
      }
    }
    return out.toString();
  }

  private static long count(GatewayProcess gateway, String from) throws Exception {
    String sql = "SELECT COUNT(*) AS n FROM " + from;
    HttpResponse<String> r =
        gateway.post("/v1/sql", "{\"sql\": \"" + sql.replace("\"", "\\\"") + "\"}");
    assertEquals(200, r.statusCode(), sql + ": " + r.body());
    return JsonPath.from(r.body()).getLong("rows[0][0]");
  }

  /** Waits until {@code owner} holds the policy's lease (its newest entry, not released). */
  private void awaitLease(String owner) throws Exception {
    Path leases = dir.resolve("lake").resolve("_leases").resolve("export-restart");
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < until) {
      if (Files.isDirectory(leases)) {
        try (var files = Files.list(leases)) {
          Path newest =
              files
                  .filter(f -> f.toString().endsWith(".json"))
                  .sorted()
                  .reduce((a, b) -> b)
                  .orElse(null);
          if (newest != null) {
            String entry = Files.readString(newest);
            if (entry.contains("\"" + owner + "\"") && entry.contains("\"released\":false")) {
              return;
            }
          }
        } catch (IOException renewedMeanwhile) {
          // an entry was replaced while listed
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no lease held by " + owner + ":\n" + logs());
  }

  private static void awaitRunning(GatewayProcess gateway) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < until) {
      JsonPath s = JsonPath.from(gateway.get("/v1/jobs/restart").body());
      if (s.getBoolean("running")) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the run did not start:\n" + gateway.log());
  }

  private static JsonPath awaitFinished(GatewayProcess gateway) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < until) {
      JsonPath s = JsonPath.from(gateway.get("/v1/jobs/restart").body());
      if (!s.getBoolean("running") && s.get("lastRun") != null) {
        return s;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the run did not end:\n" + gateway.log());
  }
}
