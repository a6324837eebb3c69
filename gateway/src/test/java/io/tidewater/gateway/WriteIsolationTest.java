package io.tidewater.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Writes are accepted on their own threads: with every thread of the request pool held by a running
 * SQL statement, a write is still acknowledged (and refused lines still answered) before any of the
 * statements ends.
 */
@QuarkusTest
@WithTestResource(WriteIsolationTest.Resource.class)
class WriteIsolationTest {

  /** A request pool of two threads, both taken by statements that run for 6 s. */
  public static class Resource implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
      try {
        return Map.of(
            "tidewater.influx.url", TestServers.influx().url().toString(),
            "tidewater.lake.uri", Files.createTempDirectory("tidewater-lake-").toUri().toString(),
            "quarkus.thread-pool.max-threads", "2",
            "tidewater.query.max-concurrent", "2",
            "tidewater.query.max-queued", "0",
            "tidewater.query.timeout", "PT6S",
            "tidewater.query.max-sql-length", "2000");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void stop() {}
  }

  @Inject QueryAdmission admission;

  @Test
  void writesAreAcknowledgedWhileStatementsHoldEveryRequestThread() throws Exception {
    List<CompletableFuture<Response>> slow = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      slow.add(
          CompletableFuture.supplyAsync(
              () ->
                  given()
                      .contentType(ContentType.JSON)
                      .body("{\"sql\": \"" + AdmissionTest.SLOW + "\"}")
                      .post("/v1/sql")));
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (admission.running() < 2 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertEquals(2, admission.running(), "both request threads run a statement");
    Response ok =
        given().body("cpu,host=a usage=1 1").post("/write?db=isolated&precision=s").andReturn();
    assertEquals(204, ok.statusCode(), ok.body().asString());
    Response bad =
        given()
            .body("cpu,host=a usage=1 1\ncpu usage=\n")
            .post("/api/v2/write?bucket=isolated&precision=s")
            .andReturn();
    assertEquals(400, bad.statusCode(), bad.body().asString());
    // Health probes too: an orchestrator must not restart a gateway that is busy with queries.
    assertEquals(200, given().get("/q/health/live").statusCode());
    assertEquals(200, given().get("/q/health/ready").statusCode());
    assertEquals(2, admission.running(), "answered before either statement ended");
    for (CompletableFuture<Response> f : slow) {
      assertEquals(400, f.get(30, TimeUnit.SECONDS).statusCode());
    }
  }
}
