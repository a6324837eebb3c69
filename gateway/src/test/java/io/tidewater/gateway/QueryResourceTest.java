package io.tidewater.gateway;

import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * InfluxDB's /query through the gateway, compared byte for byte with the answer of the InfluxDB
 * behind it (which holds all of this recent data): JSON, POST forms, chunked, pretty, CSV, epochs,
 * and the errors InfluxDB answers with a status of their own.
 */
@QuarkusTest
@WithTestResource(ExportTestResource.class)
class QueryResourceTest {

  @ConfigProperty(name = "tidewater.influx.url")
  String influxUrl;

  @Inject QueryAdmission admission;

  @Inject MeterRegistry metrics;

  private String db;
  private String range;

  @BeforeEach
  void findDatabase() {
    List<Map<String, Object>> tables =
        given()
            .get("/v1/tables")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList(
                "findAll { it.kind == 'routed' && it.path[1] == 'cpu' && it.path[0].startsWith('jobs') }");
    @SuppressWarnings("unchecked")
    List<String> path = (List<String>) tables.get(0).get("path");
    db = path.get(0);
    Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.HOURS);
    range =
        "time >= "
            + start.toEpochMilli()
            + "ms and time <= "
            + start.plus(2, ChronoUnit.HOURS).toEpochMilli()
            + "ms";
  }

  /** InfluxDB's own answer: status, body. */
  private Object[] influx(String params, String accept) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(influxUrl + "/query?" + params));
    if (accept != null) {
      b.header("Accept", accept);
    }
    HttpResponse<String> r =
        HttpClient.newHttpClient().send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    return new Object[] {r.statusCode(), r.body()};
  }

  private String params(String q, String more) {
    return "db="
        + URLEncoder.encode(db, StandardCharsets.UTF_8)
        + "&q="
        + URLEncoder.encode(q, StandardCharsets.UTF_8)
        + more;
  }

  private void sameAsInflux(String q, String more, String accept) throws Exception {
    Object[] truth = influx(params(q, more), accept);
    Response ours =
        given()
            .urlEncodingEnabled(false) // params() encoded them as InfluxDB's clients do
            .header("Accept", accept == null ? "*/*" : accept)
            .get("/query?" + params(q, more));
    assertEquals(truth[0], ours.statusCode(), q + more + ": " + ours.body().asString());
    assertEquals(truth[1], ours.body().asString(), q + more);
    assertEquals("1.8.10", ours.header("X-Influxdb-Version"));
  }

  @Test
  void answersByteForByteAsTheInfluxDbBehindIt() throws Exception {
    String grafana =
        "SELECT mean(\"usage\") FROM \"cpu\" WHERE ("
            + "\"host\" =~ /^(h0|h2)$/) AND "
            + range
            + " GROUP BY time(10m), \"host\" fill(null)";
    String raw = "SELECT \"usage\" FROM \"cpu\" WHERE \"host\" = 'h1' AND " + range + " LIMIT 7";
    for (String q :
        List.of(grafana, raw, grafana + "; " + raw, "SHOW TAG VALUES WITH KEY = host")) {
      sameAsInflux(q, "", null);
      sameAsInflux(q, "&epoch=ms", null);
      sameAsInflux(q, "&chunked=true&chunk_size=4", null);
      sameAsInflux(q, "&pretty=true", null);
      // InfluxDB's own reading: only "true" turns them on; a bad chunk_size means the default.
      sameAsInflux(q, "&pretty=1&chunked=1", null);
      sameAsInflux(q, "&chunked=true&chunk_size=-3", null);
      sameAsInflux(q, "", "application/csv");
    }
    // The default retention policy by name, as a parameter or in FROM.
    sameAsInflux(grafana, "&rp=autogen", null);
    sameAsInflux(grafana.replace("FROM \"cpu\"", "FROM \"autogen\".\"cpu\""), "", null);
  }

  @Test
  void grafanasPostModeSendsAForm() throws Exception {
    String q = "SELECT count(\"usage\") FROM \"cpu\" WHERE " + range + " GROUP BY \"host\"";
    Object[] truth = influx(params(q, "&epoch=ms"), null);
    given().urlEncodingEnabled(false).get("/query?" + params(q, "")); // metadata remembered
    double onTheLoop = passedOn("event_loop");
    String ours =
        given()
            .contentType("application/x-www-form-urlencoded; charset=UTF-8")
            .formParam("db", db)
            .formParam("q", q)
            .formParam("epoch", "ms")
            .post("/query")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertEquals(truth[1], ours);
    assertEquals(onTheLoop + 1, passedOn("event_loop"), "a form read and piped on the event loop");
    // A body as a hand-written client may send it: '+' for spaces, a raw ';' between two
    // statements (InfluxQL's separator, not a field's), an escaped non-ASCII tag value. Two
    // statements are the usual path's: it reads the form this route decoded.
    String two = q + "; SELECT last(\"usage\") FROM \"cpu\" WHERE \"host\" = 'hé' AND " + range;
    String encoded = URLEncoder.encode(two, StandardCharsets.UTF_8);
    Object[] twoTruth = influx(params(two, "&epoch=ms"), null);
    Response twoOurs =
        given()
            .urlEncodingEnabled(false)
            .contentType("application/x-www-form-urlencoded")
            .body("db=" + db + "&epoch=ms&q=" + encoded.replace("%3B", ";"))
            .post("/query");
    assertEquals(200, twoOurs.statusCode(), twoOurs.asString());
    assertEquals(twoTruth[1], twoOurs.asString());
    assertTrue(encoded.contains("+") && encoded.contains("%C3%A9"), encoded);
    // A broken %-escape is the client's error, said so.
    Response broken =
        given()
            .urlEncodingEnabled(false)
            .contentType("application/x-www-form-urlencoded")
            .body("db=" + db + "&q=SELECT%zz")
            .post("/query");
    assertEquals(400, broken.statusCode(), broken.asString());
    assertTrue(broken.jsonPath().getString("error").contains("URL-encoded"), broken.asString());
    // A few KB of gzip that decompress to a 2 MB field: bounded by Vert.x's decoder and its
    // per-field limit, never read whole into memory.
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
      gz.write(("db=" + db + "&q=" + "a".repeat(2 << 20)).getBytes(StandardCharsets.UTF_8));
    }
    HttpResponse<String> bomb =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + RestAssured.port + "/query"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Content-Encoding", "gzip")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(413, bomb.statusCode(), bomb.body());
    // curl sends "Expect: 100-continue" before a large body: answered, not left to its timeout.
    HttpResponse<String> continued =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + RestAssured.port + "/query"))
                    .expectContinue(true)
                    .timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(params(q, "&epoch=ms")))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(truth[1], continued.body());
    // The CLI and client libraries: POST with the parameters in the URL.
    assertEquals(
        truth[1],
        given().urlEncodingEnabled(false).post("/query?" + params(q, "&epoch=ms")).asString());
    // The JDK's default client asks for HTTP/2 (h2c upgrade, then HTTP/2): the form and the URL
    // are read as over HTTP/1.1 (ExportRestartIT asks the packaged gateway so too).
    HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    URI query = URI.create("http://127.0.0.1:" + RestAssured.port + "/query");
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> form =
          h2.send(
              HttpRequest.newBuilder(query)
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString(params(q, "&epoch=ms")))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(truth[1], form.body(), form.version() + " form");
      HttpResponse<String> get =
          h2.send(
              HttpRequest.newBuilder(URI.create(query + "?" + params(q, "&epoch=ms"))).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(truth[1], get.body(), get.version() + " GET");
    }
  }

  @Test
  void errorsAnsweredAsInfluxDbAnswersThem() throws Exception {
    for (String q : List.of("SELEC * FROM cpu", "SELECT * FROM cpu WHERE", "SELECT 'a' FROM")) {
      Object[] truth = influx(params(q, ""), null);
      Response ours = given().urlEncodingEnabled(false).get("/query?" + params(q, ""));
      assertEquals(400, ours.statusCode());
      assertEquals(truth[1], ours.asString(), q);
    }
    // A text past tidewater.query.max-sql-length is refused before it is parsed.
    Response huge =
        given()
            .contentType("application/x-www-form-urlencoded")
            .formParam("db", db)
            .formParam(
                "q",
                "SELECT \"usage\" FROM \"cpu\" WHERE " + "host = 'x' OR ".repeat(10_000) + "true")
            .post("/query");
    assertEquals(400, huge.statusCode(), huge.asString());
    assertTrue(huge.jsonPath().getString("error").contains("max-sql-length"), huge.asString());
    // A form field past quarkus.http.limits.max-form-attribute-size (512K) is a client error.
    Response past =
        given()
            .contentType("application/x-www-form-urlencoded")
            .formParam("db", db)
            .formParam("q", "SELECT \"usage\" FROM \"cpu\" WHERE " + "true OR ".repeat(80_000))
            .post("/query");
    assertTrue(past.statusCode() >= 400 && past.statusCode() < 500, past.statusLine());
    Response missing = given().get("/query?db=" + db);
    assertEquals(400, missing.statusCode());
    assertEquals("missing required parameter \"q\"", missing.jsonPath().getString("error"));
  }

  /**
   * Over the hot days (InfluxDB alone holds them) a statement is sent to InfluxDB as written, so
   * every function, tz() and subquery answers as InfluxDB's own.
   */
  @Test
  void overTheHotDaysEveryFunctionIsInfluxDbsOwnAnswer() throws Exception {
    for (String q :
        List.of(
            "SELECT max(\"usage\") FROM \"cpu\" WHERE " + range,
            "SELECT percentile(\"usage\", 90) FROM \"cpu\" WHERE " + range + " GROUP BY time(1h)",
            "SELECT mean(\"usage\") FROM \"cpu\" WHERE " + range + " GROUP BY time(1h) tz('UTC')",
            "SELECT nonsense(\"usage\") FROM \"cpu\" WHERE " + range,
            "SELECT mean(m) FROM (SELECT max(\"usage\") AS m FROM \"cpu\" WHERE " + range + ")")) {
      sameAsInflux(q, "", null);
      sameAsInflux(q, "&chunked=true&chunk_size=3&epoch=s", null);
    }
  }

  @Test
  void statementsThatChangeDataAreRefusedAndChangeNothing() {
    String count = "SELECT count(\"usage\") FROM \"cpu\" WHERE " + range;
    Response r =
        given()
            .queryParam("db", db)
            .queryParam("q", "DROP MEASUREMENT cpu; DELETE FROM cpu; " + count)
            .post("/query");
    assertEquals(200, r.statusCode(), r.asString());
    assertTrue(
        r.jsonPath().getString("results[0].error").startsWith("DROP MEASUREMENT is not run"),
        r.asString());
    assertTrue(
        r.jsonPath().getString("results[1].error").startsWith("DELETE is not run"), r.asString());
    assertEquals(
        ExportTestResource.HOSTS * ExportTestResource.POINTS_PER_HOST,
        r.jsonPath().getInt("results[2].series[0].values[0][1]"),
        r.asString());
    Response into =
        given()
            .queryParam("db", db)
            .queryParam("q", "SELECT * INTO copy FROM cpu WHERE " + range)
            .get("/query");
    assertTrue(
        into.jsonPath().getString("results[0].error").startsWith("SELECT INTO is not run"),
        into.asString());
  }

  /**
   * A lone statement InfluxDB alone holds is passed on as InfluxDB writes it; an answer too long to
   * send whole is streamed, byte for byte as well, and a client hanging up mid-answer ends the
   * exchange with InfluxDB and frees the statement's turn.
   */
  @Test
  void aLongAnswerIsStreamedAndAHangUpFreesItsTurn() throws Exception {
    String big = "passthrough_" + System.nanoTime();
    post(influxUrl + "/query", "q=" + URLEncoder.encode("CREATE DATABASE " + big, UTF_8));
    StringBuilder lp = new StringBuilder();
    long t0 = Instant.now().minus(2, ChronoUnit.HOURS).toEpochMilli() * 1_000_000L;
    for (int i = 0; i < 20_000; i++) {
      lp.append("m,host=h")
          .append(i % 7)
          .append(" v=")
          .append(i * 0.5)
          .append(",s=\"x\\\"y\" ")
          .append(t0 + i * 100_000_000L)
          .append('\n');
    }
    post(influxUrl + "/write?db=" + big, lp.toString());
    String q = "q=" + URLEncoder.encode("SELECT * FROM m WHERE time > now() - 3h", UTF_8);
    String url = "/query?db=" + big + "&" + q;
    // The gateway learns of a new database within tidewater.query.metadata-ttl.
    long known = System.nanoTime() + 30_000_000_000L;
    while (given().urlEncodingEnabled(false).get(url).asString().contains("database not found")
        && System.nanoTime() < known) {
      Thread.sleep(200);
    }
    double before = passedOn();
    double onTheLoop = passedOn("event_loop");
    for (String more : List.of("", "&chunked=true&chunk_size=1000", "&pretty=true&epoch=ms")) {
      Object[] truth = influxRaw("db=" + big + "&" + q + more);
      String ours = given().urlEncodingEnabled(false).get(url + more).asString();
      assertTrue(((String) truth[1]).length() > 512 * 1024, "long enough to be streamed");
      assertEquals(truth[1], ours, more);
    }
    assertEquals(before + 3, passedOn(), "InfluxDB's answers passed on, not re-encoded");
    assertEquals(onTheLoop + 3, passedOn("event_loop"), "piped on the event loop, no worker");
    // A client reading the first bytes of a long answer, then hanging up.
    for (int i = 0; i < 5; i++) {
      try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
        s.getOutputStream()
            .write(("GET " + url + "&pretty=true HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(UTF_8));
        assertTrue(s.getInputStream().readNBytes(4096).length == 4096);
      }
    }
    long until = System.nanoTime() + 5_000_000_000L;
    while (admission.running() > 0 && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertEquals(0, admission.running(), "every turn freed after the hang-ups");
    // Still answering after them.
    assertEquals(
        ((String) influxRaw("db=" + big + "&" + q)[1]).length(),
        given().urlEncodingEnabled(false).get(url).asString().length());
  }

  private static void post(String url, String body) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertTrue(r.statusCode() / 100 == 2, url + ": " + r.statusCode() + " " + r.body());
  }

  private Object[] influxRaw(String params) throws Exception {
    return influx(params, null);
  }

  private double passedOn() {
    return passedOn("event_loop") + passedOn("worker");
  }

  private double passedOn(String path) {
    return metrics.counter("tidewater_influxql_passed_on_total", "path", path).count();
  }
}
