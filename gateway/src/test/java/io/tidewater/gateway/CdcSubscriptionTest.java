package io.tidewater.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.tidewater.lifecycle.lake.DataFile;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.Window;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * InfluxDB 1.x forwards writes to the gateway through a subscription: late points written into an
 * exported window make it dirty, and once settled it is re-exported, after which the lake equals
 * InfluxDB for it (per-series counts and sums, read back with DuckDB). Points the gateway never
 * received are found by reconciliation and repaired the same way.
 */
@QuarkusTest
@WithTestResource(CdcTestResource.class)
class CdcSubscriptionTest {

  @Inject Ledger ledger;

  @Test
  void lateWritesThroughASubscriptionReachTheLake() throws Exception {
    String db = CdcTestResource.database;
    given().when().post("/v1/jobs/cdc-test/run").then().statusCode(202);
    await(
        "the export",
        () -> {
          JsonPath job = job();
          return !job.getBoolean("running") && job.get("lastRun") != null;
        });
    Window late =
        new Window(
            CdcTestResource.start.plusSeconds(3600), CdcTestResource.start.plusSeconds(7200));
    Window missed = new Window(CdcTestResource.start, CdcTestResource.start.plusSeconds(3600));
    long before = ledger.latest(db, "cpu", Resolution.RAW, late).orElseThrow().version();
    long missedBefore = ledger.latest(db, "cpu", Resolution.RAW, missed).orElseThrow().version();
    // Written before any subscription pointed at the gateway: only reconciliation can find it.
    CdcTestResource.influx.write(
        db, "cpu,host=h5 usage=42.5 " + (missed.start().getEpochSecond() * 1_000_000_000L + 7));

    CdcTestResource.influx.query(
        db,
        "CREATE SUBSCRIPTION \"tidewater\" ON \""
            + db
            + "\".\"autogen\" DESTINATIONS ALL"
            + " 'http://127.0.0.1:"
            + RestAssured.port
            + "'");
    try {
      long t = late.start().getEpochSecond() * 1_000_000_000L;
      CdcTestResource.influx.write(
          db,
          String.join(
              "\n",
              "cpu,host=h0 usage=1000.25 " + (t + 5 * 60_000_000_000L), // a changed value
              "cpu,host=h1 usage=3.5 " + (t + 90_000_000_000L), // a new point between two
              "cpu,host=h9 usage=7.75 " + (t + 59 * 60_000_000_000L))); // a new series
      await(
          "the re-export",
          () ->
              ledger.latest(db, "cpu", Resolution.RAW, late).orElseThrow().version() > before
                  && job().getInt("changes.dirtyWindows") == 0);
      assertEquals(influx(db, late), lake(db, late));
      assertEquals(3, lake(db, late).size(), "host h9 is new");
      JsonPath job = job();
      assertTrue(job.getInt("changes.lastRepair.windowsReexported") >= 1, job.prettify());
      assertTrue(job.getList("changes.lastRepair.failures").isEmpty(), job.prettify());
      String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
      assertTrue(
          metrics.contains("tidewater_cdc_windows_reexported_total{policy=\"cdc-test\"}"), metrics);
      assertTrue(
          !lake(db, missed).equals(influx(db, missed)), "the subscription did not exist yet");

      JsonPath found =
          given()
              .when()
              .post("/v1/jobs/cdc-test/reconcile")
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      assertEquals(1, found.getInt("mismatches"), found.prettify());
      assertEquals(
          missed.start().toString(), found.getString("findings[0].windowStart"), found.prettify());
      assertTrue(found.getBoolean("findings[0].markedDirty"), found.prettify());
      await(
          "the reconciled window's re-export",
          () ->
              ledger.latest(db, "cpu", Resolution.RAW, missed).orElseThrow().version()
                      > missedBefore
                  && job().getInt("changes.dirtyWindows") == 0);
      assertEquals(influx(db, missed), lake(db, missed));
      assertEquals(
          0,
          given()
              .when()
              .post("/v1/jobs/cdc-test/reconcile")
              .then()
              .statusCode(200)
              .extract()
              .jsonPath()
              .getInt("mismatches"));
      assertEquals(0, job().getInt("changes.lastReconciliation.mismatches"));
    } finally {
      CdcTestResource.influx.query(
          db, "DROP SUBSCRIPTION \"tidewater\" ON \"" + db + "\".\"autogen\"");
    }
  }

  @Test
  void writesIntoWindowsNotYetDueReachTheLakeInMicroBatches() throws Exception {
    String db = CdcTestResource.database;
    // The next hour: not due for over an hour, whenever this runs (InfluxDB takes future points).
    Instant next = Instant.now().truncatedTo(ChronoUnit.HOURS).plusSeconds(3600);
    Window open = new Window(next, next.plusSeconds(3600));
    long t = next.getEpochSecond() * 1_000_000_000L;
    String lines =
        String.join(
            "\n",
            "cpu,host=m1 usage=1.5 " + (t + 1_000_000_000L),
            "cpu,host=m2 usage=2.5 " + (t + 2_000_000_000L),
            "cpu,host=m1 usage=4 " + (t + 3_000_000_000L));
    CdcTestResource.influx.write(
        db, lines); // InfluxDB stores it, then Telegraf's second output sends it here
    given().body(lines).when().post("/write?db=" + db + "&rp=autogen").then().statusCode(204);
    await("the micro-batch", () -> ledger.latest(db, "cpu", Resolution.RAW, open).isPresent());
    assertTrue(ledger.latest(db, "cpu", Resolution.RAW, open).orElseThrow().partial());
    assertEquals(influx(db, open, List.of("m1", "m2")), lake(db, open));

    String sql =
        "SELECT host, COUNT(*) AS n FROM lake."
            + db
            + ".cpu WHERE \\\"time\\\" >= TIMESTAMP '"
            + next.toString().replace("T", " ").replace("Z", "")
            + "' GROUP BY host ORDER BY host";
    JsonPath answer =
        given()
            .contentType(ContentType.JSON)
            .body("{\"sql\": \"" + sql + "\"}")
            .when()
            .post("/v1/sql")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(
        List.of(List.of("m1", 2), List.of("m2", 1)), answer.getList("rows"), answer.prettify());

    JsonPath job = job();
    assertTrue(job.getLong("changes.microBatch.pointsWritten") >= 3, job.prettify());
    assertEquals(0, job.getLong("changes.microBatch.pendingPoints"), job.prettify());
    assertEquals(1000, job.getInt("changes.microBatch.maxPoints"));
    String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    assertTrue(
        metrics.contains("tidewater_cdc_micro_batch_points_total{policy=\"cdc-test\"}"), metrics);
  }

  private static JsonPath job() {
    return given().when().get("/v1/jobs/cdc-test").then().statusCode(200).extract().jsonPath();
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + ": " + job().prettify());
      }
      Thread.sleep(200);
    }
  }

  /** host -> "count sum" per InfluxQL. */
  private static Map<String, String> influx(String db, Window w) {
    return influx(db, w, List.of("h0", "h1", "h5", "h9"));
  }

  private static Map<String, String> influx(String db, Window w, List<String> hosts) {
    Map<String, String> out = new TreeMap<>();
    for (String host : hosts) {
      JsonPath r =
          JsonPath.from(
              CdcTestResource.influx.query(
                  db,
                  "SELECT count(usage), sum(usage) FROM cpu WHERE host = '"
                      + host
                      + "' AND time >= '"
                      + w.start()
                      + "' AND time < '"
                      + w.end()
                      + "'"));
      List<List<Object>> values = r.getList("results[0].series[0].values");
      if (values != null && !values.isEmpty()) {
        out.put(
            host,
            ((Number) values.get(0).get(1)).longValue()
                + " "
                + ((Number) values.get(0).get(2)).doubleValue());
      }
    }
    return out;
  }

  /** host -> "count sum" per DuckDB over the files of the window's newest version. */
  private Map<String, String> lake(String db, Window w) throws Exception {
    WindowVersion v = ledger.latest(db, "cpu", Resolution.RAW, w).orElseThrow();
    String files =
        v.files().stream()
            .map(DataFile::key)
            .map(k -> "'" + CdcTestResource.lake.resolve(k) + "'")
            .collect(Collectors.joining(", ", "[", "]"));
    Map<String, String> out = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT host, count(usage), sum(usage) FROM read_parquet("
                    + files
                    + ") GROUP BY host")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2) + " " + rs.getDouble(3));
      }
    }
    return out;
  }
}
