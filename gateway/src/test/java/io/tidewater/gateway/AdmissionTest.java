package io.tidewater.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.tidewater.testing.TestServers;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Admission of SQL on the real gateway, one statement at a time and none waiting: while the only
 * turn is taken a statement gets 429 TOO_BUSY with Retry-After (and is counted), then runs once the
 * turn is free; a SQL text over the length limit is refused before anything else.
 */
@QuarkusTest
@WithTestResource(AdmissionTest.Resource.class)
class AdmissionTest {

  /** One turn, no queue, a short wait, a short SQL limit. */
  public static class Resource implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
      try {
        return Map.of(
            "tidewater.influx.url", TestServers.influx().url().toString(),
            "tidewater.lake.uri", Files.createTempDirectory("tidewater-lake-").toUri().toString(),
            "tidewater.query.max-concurrent", "1",
            "tidewater.query.max-queued", "0",
            "tidewater.query.queue-timeout", "PT0.2S",
            "tidewater.query.max-sql-length", "200");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void stop() {}
  }

  @Inject QueryAdmission admission;

  private static Response sql(String sql) {
    return given().contentType(ContentType.JSON).body("{\"sql\": \"" + sql + "\"}").post("/v1/sql");
  }

  @Test
  void pastTheLimitAStatementIsRefusedWithRetryAfterAndRunsOnceATurnIsFree() {
    try (QueryAdmission.Permit taken = admission.admit()) {
      Response busy = sql("SELECT 1 AS x");
      assertEquals(429, busy.statusCode(), busy.body().asString());
      assertEquals("TOO_BUSY", busy.jsonPath().getString("code"));
      assertEquals("1", busy.header("Retry-After"));
      Response explain =
          given()
              .contentType(ContentType.JSON)
              .body("{\"sql\": \"SELECT 1\"}")
              .post("/v1/sql/explain");
      assertEquals(429, explain.statusCode(), explain.body().asString());
    }
    Response ok = sql("SELECT 1 AS x");
    assertEquals(200, ok.statusCode(), ok.body().asString());
    // Failed statements give their turn back too.
    assertEquals(400, sql("SELEC 1").statusCode());
    assertEquals(200, sql("SELECT 2 AS y").statusCode());
    String metrics = given().get("/q/metrics").body().asString();
    assertTrue(metrics.contains("tidewater_query_rejected_total 2.0"), metrics);
  }

  @Test
  void aSqlTextOverTheLimitIsRefused() {
    Response r = sql("SELECT 1 AS x" + " ".repeat(300));
    assertEquals(400, r.statusCode(), r.body().asString());
    assertTrue(r.jsonPath().getString("message").contains("max-sql-length"), r.body().asString());
  }
}
