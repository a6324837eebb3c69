package io.tidewater.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.tidewater.lifecycle.lake.Lease;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.testing.TestServers;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(ExportTestResource.class)
class JobsResourceTest {

  @Test
  void aRunExportsTheSettledWindowsAndReportsThem() throws Exception {
    given()
        .when()
        .get("/v1/jobs")
        .then()
        .statusCode(200)
        .body("[0].policy", equalTo("jobs-test"))
        .body("[0].schedule", equalTo("0 0/5 * * * ?"));

    given()
        .when()
        .post("/v1/jobs/jobs-test/run")
        .then()
        .statusCode(202)
        .body("running", equalTo(true));
    JsonPath job = awaitLastRun();
    // Two settled hours; the third hour of points is the current one's predecessor or later: at
    // least 2 windows.
    assertTrue(job.getInt("lastRun.windowsExported") >= 2, job.prettify());
    assertTrue(job.getLong("lastRun.rows") >= 2L * 60 * ExportTestResource.HOSTS, job.prettify());
    assertTrue(job.getList("lastRun.failures").isEmpty(), job.prettify());
    // The tier moves that follow the export found nothing to do: every window is still hot.
    assertTrue(
        job.getMap("lastRun.tiers") != null
            && job.getInt("lastRun.tiers.rollupsBuilt") == 0
            && job.getList("lastRun.tiers.failures").isEmpty(),
        job.prettify());
    given().when().get("/v1/jobs/jobs-test").then().body("lagSeconds", notNullValue());

    String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    assertTrue(
        metrics.contains(
            "tidewater_export_rows_total{policy=\"jobs-test\"} " + job.getLong("lastRun.rows")),
        metrics.lines().filter(l -> l.startsWith("tidewater_")).toList().toString());

    // Nothing left to do on a second run.
    given().when().post("/v1/jobs/jobs-test/run").then().statusCode(202);
    JsonPath again = awaitIdle();
    assertTrue(again.getInt("lastRun.windowsExported") == 0, again.prettify());
    assertTrue(again.getInt("lastRun.windowsAlreadyDone") >= 2, again.prettify());
    // The lake now holds cpu.usage as float: a write with it as integer is refused in InfluxDB's
    // words (a micro-batch would otherwise put the conflict into the lake); the rest is kept.
    String db =
        given()
            .get("/v1/tables")
            .then()
            .extract()
            .jsonPath()
            .getString("find { it.kind == 'routed' && it.path[1] == 'cpu' }.path[0]");
    given()
        .body("cpu,host=h0 usage=1.5\ncpu,host=h0 usage=2i\nmem,host=h0 usage=3i")
        .post("/write?db=" + db)
        .then()
        .statusCode(400)
        .body(
            "error",
            containsString(
                "partial write: field type conflict: input field \"usage\" on measurement"
                    + " \"cpu\" is type integer, already exists as type float dropped=1 (line 2)"))
        .body("error", containsString("the other 2 points were accepted"));

    // InfluxDB loses a series (DROP SERIES): a backfill over the exported windows leaves them
    // alone and says why, the lake keeps its copy; asked with replace=true it writes what
    // InfluxDB holds. (A series of its own, so the other tests' hosts stay as they are.)
    String lake = "lake.\\\"" + db + "\\\".cpu";
    String first =
        given()
            .contentType("application/json")
            .body("{\"sql\": \"SELECT MIN(\\\"time\\\") AS t FROM " + lake + "\"}")
            .post("/v1/sql")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getString("rows[0][0]");
    long at = Instant.parse(first).toEpochMilli() * 1_000_000L + 60_000_000_000L;
    TestServers.influx()
        .write(db, "cpu,host=h9 usage=1.5 " + at + "\ncpu,host=h9 usage=2.5 " + (at + 1));
    String range = "from=" + Instant.now().minus(Duration.ofDays(1)) + "&to=" + Instant.now();
    given().post("/v1/jobs/jobs-test/backfill?" + range).then().statusCode(202);
    JsonPath added = awaitIdle();
    assertTrue(added.getList("lastRun.failures").isEmpty(), added.prettify());
    String h9 = "SELECT COUNT(*) AS n FROM " + lake + " WHERE host = 'h9'";
    assertEquals(2, sqlCount(h9), "backfilled into the lake");
    TestServers.influx().query(db, "DROP SERIES FROM cpu WHERE host = 'h9'");
    given().post("/v1/jobs/jobs-test/backfill?" + range).then().statusCode(202);
    JsonPath refused = awaitIdle();
    assertTrue(
        refused.getList("lastRun.failures.reason").stream()
            .anyMatch(r -> String.valueOf(r).contains("InfluxDB holds fewer values than the lake")),
        refused.prettify());
    assertEquals(2, sqlCount(h9), "the lake kept its copy");
    given().post("/v1/jobs/jobs-test/backfill?" + range + "&replace=true").then().statusCode(202);
    JsonPath replaced = awaitIdle();
    assertTrue(replaced.getList("lastRun.failures").isEmpty(), replaced.prettify());
    assertEquals(0, sqlCount(h9), "replaced with what InfluxDB holds");
  }

  private static long sqlCount(String sql) {
    return given()
        .contentType("application/json")
        .body("{\"sql\": \"" + sql + "\"}")
        .post("/v1/sql")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getLong("rows[0][0]");
  }

  @Inject Ledger ledger;

  /**
   * Another live gateway's lease on the policy: a run request answers 409 LEASE_HELD naming it and
   * its expiry (as does the job's status) instead of 202 and then nothing; once it is released,
   * runs start again.
   */
  @Test
  void aRunWhileAnotherGatewayHoldsTheLeaseIsRefusedNamingIt() {
    Instant now = Instant.now();
    Lease other =
        Lease.acquire(
                ledger.store(),
                "export-jobs-test",
                "gw-b:8080",
                Duration.ofMinutes(5),
                now,
                new Lease.Watch())
            .orElseThrow();
    try {
      given()
          .post("/v1/jobs/jobs-test/run")
          .then()
          .statusCode(409)
          .body("code", equalTo("LEASE_HELD"))
          .body("message", containsString("gateway gw-b:8080"))
          .body("message", containsString(now.plus(Duration.ofMinutes(5)).toString()));
      given()
          .get("/v1/jobs/jobs-test")
          .then()
          .statusCode(200)
          .body("heldBy.owner", equalTo("gw-b:8080"))
          .body("heldBy.expires", equalTo(now.plus(Duration.ofMinutes(5)).toString()))
          .body("running", equalTo(false));
      given().get("/v1/jobs").then().statusCode(200).body("heldBy.owner", hasItem("gw-b:8080"));
    } finally {
      other.release(Instant.now());
    }
    // Released: nothing holds runs here back (the other test's runs then export as usual).
    given().get("/v1/jobs/jobs-test").then().body("heldBy", nullValue());
  }

  @Test
  void badRequestsGetJsonErrorsThatNameTheProblem() {
    given()
        .when()
        .post("/v1/jobs/nope/run")
        .then()
        .statusCode(404)
        .body("code", equalTo("NOT_FOUND"))
        .body("message", containsString("no policy named 'nope'"));
    given()
        .when()
        .post("/v1/jobs/jobs-test/backfill?from=yesterday&to=2025-01-01T00:00:00Z")
        .then()
        .statusCode(400)
        .body("code", equalTo("BAD_REQUEST"))
        .body("message", containsString("'from' is not an ISO-8601 instant"));
    given()
        .when()
        .post("/v1/jobs/jobs-test/backfill?from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z")
        .then()
        .statusCode(400)
        .body("message", containsString("from before to"));
    given()
        .when()
        .post("/v1/jobs/jobs-test/backfill")
        .then()
        .statusCode(400)
        .body("message", containsString("'from' is required"));
  }

  private static JsonPath awaitLastRun() throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      JsonPath job =
          given().when().get("/v1/jobs/jobs-test").then().statusCode(200).extract().jsonPath();
      if (!job.getBoolean("running") && job.get("lastRun") != null) {
        return job;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the export did not finish in 30 s");
  }

  private static JsonPath awaitIdle() throws InterruptedException {
    Thread.sleep(50);
    return awaitLastRun();
  }
}
