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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Admission of SQL on the real gateway with real slow statements: two run, one waits, and the next
 * is refused at once with 429 TOO_BUSY and Retry-After (and counted) while writes are still
 * acknowledged; the waiting one runs when a turn is free; a SQL text over the length limit is
 * refused before anything else.
 */
@QuarkusTest
@WithTestResource(AdmissionTest.Resource.class)
class AdmissionTest {

  /**
   * Two turns, one place in the queue, statements stopped after 8 s, a short SQL limit, 1 MiB per
   * statement.
   */
  public static class Resource implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
      try {
        return Map.of(
            "tidewater.influx.url", TestServers.influx().url().toString(),
            "tidewater.lake.uri", Files.createTempDirectory("tidewater-lake-").toUri().toString(),
            "tidewater.query.max-concurrent", "2",
            "tidewater.query.max-queued", "1",
            "tidewater.query.queue-timeout", "PT30S",
            // Long enough for a metrics scrape while two statements hold both cores.
            "tidewater.query.timeout", "PT8S",
            "tidewater.query.max-sql-length", "2000",
            "tidewater.query.max-memory", "1M");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void stop() {}
  }

  /** A count over a 4-way cross join of 200 values: 1.6 billion rows, stopped by the limit. */
  static final String SLOW =
      "WITH v(x) AS (VALUES "
          + IntStream.range(0, 200).mapToObj(Integer::toString).collect(Collectors.joining(","))
          + ") SELECT COUNT(*) AS n FROM v a, v b, v c, v d";

  @Inject QueryAdmission admission;

  private static Response sql(String sql) {
    return given().contentType(ContentType.JSON).body("{\"sql\": \"" + sql + "\"}").post("/v1/sql");
  }

  @Test
  void pastTheRunningAndTheQueuedAStatementIsRefusedAtOnceWithRetryAfter() throws Exception {
    List<CompletableFuture<Response>> slow = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      slow.add(CompletableFuture.supplyAsync(() -> sql(SLOW)));
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while ((admission.running() < 2 || admission.queued() < 1) && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertEquals(2, admission.running(), "two statements run");
    assertEquals(1, admission.queued(), "one waits");
    String during = given().get("/q/metrics").body().asString();
    assertTrue(during.contains("\ntidewater_query_running 2.0"), during);
    assertTrue(during.contains("\ntidewater_query_queued 1.0"), during);
    double timedOutBefore = timedOut(during);
    long started = System.nanoTime();
    Response busy = sql("SELECT 1 AS x");
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertEquals(429, busy.statusCode(), busy.body().asString());
    assertEquals("TOO_BUSY", busy.jsonPath().getString("code"));
    assertEquals("1", busy.header("Retry-After"));
    assertTrue(busy.jsonPath().getString("message").contains("queue is full"), busy.asString());
    assertTrue(ms < 2000, "refused at once, not after waiting: " + ms + " ms");
    Response explain =
        given()
            .contentType(ContentType.JSON)
            .body("{\"sql\": \"SELECT 1\"}")
            .post("/v1/sql/explain");
    assertEquals(429, explain.statusCode(), explain.body().asString());
    // Writes are not queries: acknowledged while every turn is taken.
    Response write =
        given().body("cpu,host=a usage=1 1").post("/write?db=admission&precision=s").andReturn();
    assertEquals(204, write.statusCode(), write.body().asString());
    assertEquals(2, admission.running(), "the statements still run");
    // All three end at their limit, the waiting one after its turn came.
    for (CompletableFuture<Response> f : slow) {
      Response r = f.get(30, TimeUnit.SECONDS);
      assertEquals(400, r.statusCode(), r.body().asString());
      assertEquals("QUERY_TIMEOUT", r.jsonPath().getString("code"));
    }
    assertEquals(0, admission.running());
    Response ok = sql("SELECT 1 AS x");
    assertEquals(200, ok.statusCode(), ok.body().asString());
    // Failed statements give their turn back too.
    assertEquals(400, sql("SELEC 1").statusCode());
    assertEquals(200, sql("SELECT 2 AS y").statusCode());
    String metrics = given().get("/q/metrics").body().asString();
    assertTrue(metrics.contains("tidewater_query_rejected_total 2.0"), metrics);
    assertTrue(metrics.contains("\ntidewater_query_running 0.0"), metrics);
    assertEquals(timedOutBefore + 3, timedOut(metrics), 0.0, "each stopped statement counted");
  }

  /** {@code tidewater_query_stopped_total{reason="timeout"}} in a Prometheus scrape. */
  private static double timedOut(String metrics) {
    return metrics
        .lines()
        .filter(l -> l.startsWith("tidewater_query_stopped_total{") && l.contains("\"timeout\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no stopped counter for timeouts:\n" + metrics));
  }

  /**
   * The json answer is held whole until it is written: it counts against the statement's memory
   * budget (RESOURCE_EXHAUSTED naming the limit), while the streamed formats are not held.
   */
  @Test
  void aJsonAnswerPastTheMemoryBudgetIsRefusedAndStreamedFormatsAreNot() {
    String rows =
        "WITH v(x) AS (VALUES "
            + IntStream.range(0, 200).mapToObj(Integer::toString).collect(Collectors.joining(","))
            + ") SELECT a.x AS a, b.x AS b FROM v a, v b"; // 40,000 rows, about 3.5 MB held
    Response json = sql(rows);
    assertEquals(400, json.statusCode(), json.body().asString());
    assertEquals("RESOURCE_EXHAUSTED", json.jsonPath().getString("code"));
    assertTrue(json.jsonPath().getString("message").contains("1 MiB"), json.body().asString());
    assertTrue(json.jsonPath().getString("message").contains("ndjson"), json.body().asString());
    Response streamed =
        given()
            .contentType(ContentType.JSON)
            .body("{\"sql\": \"" + rows + "\", \"format\": \"csv\"}")
            .post("/v1/sql");
    assertEquals(200, streamed.statusCode());
    assertEquals(40_001, streamed.body().asString().split("\n").length, "header and every row");
    assertEquals(200, sql("SELECT 1 AS x").statusCode(), "the turn was given back");
  }

  @Test
  void aSqlTextOverTheLimitIsRefused() {
    Response r = sql("SELECT 1 AS x" + " ".repeat(2100));
    assertEquals(400, r.statusCode(), r.body().asString());
    assertTrue(r.jsonPath().getString("message").contains("max-sql-length"), r.body().asString());
  }
}
