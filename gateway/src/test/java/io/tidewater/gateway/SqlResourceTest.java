package io.tidewater.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Federated SQL over HTTP: formats, EXPLAIN, the table list, and errors with stable codes. */
@QuarkusTest
@WithTestResource(ExportTestResource.class)
class SqlResourceTest {

  private String table;

  @BeforeEach
  void findTable() {
    List<Map<String, Object>> tables =
        given()
            .when()
            .get("/v1/tables")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList(
                "findAll { it.kind == 'routed' && it.path[1] == 'cpu' && it.path[0].startsWith('jobs') }");
    assertEquals(1, tables.size(), tables.toString());
    @SuppressWarnings("unchecked")
    List<String> path = (List<String>) tables.get(0).get("path");
    table = "\"" + path.get(0) + "\".cpu";
  }

  private static ValidatableResponse post(String path, String body) {
    return given().contentType(ContentType.JSON).body(body).when().post(path).then();
  }

  private static String sql(String sql, String more) {
    return "{\"sql\": \"" + sql.replace("\"", "\\\"") + "\"" + more + "}";
  }

  /**
   * A body with a length is read before the endpoint runs (SqlBodyRoute); one sent in chunks,
   * compressed, after 100-continue or over HTTP/2 is streamed to it: the answers are the same.
   */
  @Test
  void bodiesReadWholeStreamedOrCompressedGetTheSameAnswer() throws Exception {
    String body = sql("SELECT COUNT(*) AS n, MAX(\"time\") AS last FROM " + table, "");
    String whole = post("/v1/sql", body).statusCode(200).extract().asString();
    assertTrue(whole.contains("\"rowCount\":1"), whole);
    URI uri = URI.create("http://localhost:" + RestAssured.port + "/v1/sql");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
      gz.write(bytes);
    }
    List<HttpRequest> requests =
        List.of(
            HttpRequest.newBuilder(uri) // no length: sent in chunks
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
                .build(),
            HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray()))
                .build(),
            HttpRequest.newBuilder(uri)
                .expectContinue(true)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build());
    for (HttpRequest request : requests) {
      HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode(), request.headers() + ": " + answer.body());
      assertEquals(whole, answer.body(), request.headers().toString());
    }
    // The JDK's default client asks for HTTP/2 (an h2c upgrade on the first request of a
    // connection, HTTP/2 on the next): a body read ahead once broke those requests with a 500.
    HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> answer =
          h2.send(
              HttpRequest.newBuilder(uri)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode(), answer.version() + ": " + answer.body());
      assertEquals(whole, answer.body(), answer.version().toString());
    }
  }

  /** Times are written as Instant.toString writes them; a NULL time stays null. */
  @Test
  void timesAreIsoInstantsAndNullTimesStayNull() {
    String q =
        "SELECT TIMESTAMP '2025-01-15 03:04:05.120' AS t, CAST(NULL AS TIMESTAMP) AS nothing,"
            + " MIN(\"time\") AS first_seen FROM "
            + table;
    JsonPath answer = post("/v1/sql", sql(q, "")).statusCode(200).extract().jsonPath();
    assertEquals("2025-01-15T03:04:05.120Z", answer.getString("rows[0][0]"), answer.prettify());
    assertEquals(null, (Object) answer.get("rows[0][1]"), answer.prettify());
    String first = answer.getString("rows[0][2]");
    assertEquals(Instant.parse(first).toString(), first);
    String csv =
        post("/v1/sql", sql(q, ", \"format\": \"csv\"")).statusCode(200).extract().asString();
    assertTrue(csv.contains("2025-01-15T03:04:05.120Z,,"), csv);
  }

  @Test
  void answersAsJsonNdjsonAndCsv() {
    String q =
        "SELECT host, COUNT(*) AS n, MIN(\"time\") AS first_seen FROM "
            + table
            + " GROUP BY host ORDER BY host";
    JsonPath answer = post("/v1/sql", sql(q, "")).statusCode(200).extract().jsonPath();
    assertEquals(List.of("host", "n", "first_seen"), answer.getList("columns.name"));
    assertEquals(List.of("VARCHAR", "BIGINT", "TIMESTAMP"), answer.getList("columns.type"));
    assertEquals(3, answer.getInt("rowCount"));
    assertEquals(
        List.of("h0", ExportTestResource.POINTS_PER_HOST), answer.getList("rows[0]").subList(0, 2));
    assertTrue(answer.getString("rows[0][2]").endsWith(":00Z"), answer.prettify());

    String ndjson =
        post("/v1/sql", sql(q, ", \"format\": \"ndjson\""))
            .statusCode(200)
            .contentType("application/x-ndjson")
            .extract()
            .asString();
    List<String> lines = ndjson.lines().toList();
    assertEquals(3, lines.size(), ndjson);
    assertEquals("h2", JsonPath.from(lines.get(2)).getString("host"));
    assertEquals(ExportTestResource.POINTS_PER_HOST, JsonPath.from(lines.get(2)).getInt("n"));

    String csv =
        post("/v1/sql", sql(q, ", \"format\": \"csv\"")).statusCode(200).extract().asString();
    List<String> csvLines = csv.lines().toList();
    assertEquals("host,n,first_seen", csvLines.get(0));
    assertTrue(csvLines.get(1).startsWith("h0," + ExportTestResource.POINTS_PER_HOST + ","), csv);
    assertEquals(4, csvLines.size());
  }

  @Test
  void explainShowsThePushedDownInfluxQl() {
    JsonPath plan =
        post(
                "/v1/sql/explain",
                sql(
                    "SELECT FLOOR(\"time\" TO HOUR), COUNT(usage) FROM "
                        + table
                        + " GROUP BY FLOOR(\"time\" TO HOUR)",
                    ""))
            .statusCode(200)
            .extract()
            .jsonPath();
    // The data is hot: InfluxDB answers it (a lake part, if the lake has exported windows, holds
    // none of it).
    String pushed = plan.getString("parts.find { it.place == 'INFLUXDB' }.pushed");
    assertTrue(
        pushed != null && pushed.contains("GROUP BY time(3600000ms) fill(none)"), plan.prettify());
    assertTrue(plan.getString("plan").contains("InfluxToEnumerableConverter"), plan.prettify());
  }

  @Test
  void errorsNameTheProblemWithAStableCode() {
    post("/v1/sql", sql("SELEC 1", ""))
        .statusCode(400)
        .body("code", equalTo("SQL_SYNTAX"))
        .body("message", containsString("line 1, column 1"));
    post("/v1/sql", sql("SELECT * FROM nowhere.nothing", ""))
        .statusCode(404)
        .body("code", equalTo("NOT_FOUND"))
        .body("message", containsString("line 1, column 15: Object 'nowhere' not found"));
    post("/v1/sql", sql("SELECT nope FROM " + table, ""))
        .statusCode(404)
        .body("code", equalTo("NOT_FOUND"))
        .body("message", containsString("Column 'nope' not found"));
    post("/v1/sql", sql("SELECT host FROM " + table + " GROUP BY usage", ""))
        .statusCode(400)
        .body("code", equalTo("SQL_INVALID"))
        .body("message", containsString("'host' is not being grouped"));
    post("/v1/sql", sql("SELECT host + 1 FROM " + table, ""))
        .statusCode(400)
        .body("code", equalTo("SQL_INVALID"));
    post("/v1/sql", sql("SELECT DATE_BIN(INTERVAL '1' MONTH, \"time\") FROM " + table, ""))
        .statusCode(400)
        .body("code", equalTo("SQL_INVALID"))
        .body("message", containsString("no fixed width"));
    post("/v1/sql", "{}")
        .statusCode(400)
        .body("code", equalTo("BAD_REQUEST"))
        .body("message", containsString("'sql' is required"));
    post("/v1/sql", sql("SELECT 1", ", \"format\": \"xml\""))
        .statusCode(400)
        .body("message", containsString("json, ndjson or csv"));
    post("/v1/sql", sql("SELECT * FROM " + table, ", \"maxRows\": 10"))
        .statusCode(400)
        .body("code", equalTo("TOO_MANY_ROWS"))
        .body("message", containsString("more than 10 rows"));
    String cut =
        post("/v1/sql", sql("SELECT * FROM " + table, ", \"maxRows\": 10, \"format\": \"ndjson\""))
            .statusCode(200)
            .extract()
            .asString();
    List<String> lines = cut.lines().toList();
    assertEquals(11, lines.size(), cut);
    assertEquals("TOO_MANY_ROWS", JsonPath.from(lines.get(10)).getString("error.code"));
  }

  /**
   * A statement with {@code ?} and its values in {@code params}: planned once, run with each call's
   * values, answering as the same statement with literals; values are values, never SQL.
   */
  @Test
  void parametersAreBoundNotSpliced() {
    String q =
        "SELECT host, COUNT(*) AS n FROM "
            + table
            + " WHERE \"time\" >= ? AND \"time\" < ? AND host <> ? GROUP BY host ORDER BY host";
    JsonPath all =
        post(
                "/v1/sql",
                sql(
                    "SELECT host, COUNT(*) AS n FROM "
                        + table
                        + " WHERE \"time\" >= TIMESTAMP '2000-01-01 00:00:00' AND host <> 'h1'"
                        + " GROUP BY host ORDER BY host",
                    ""))
            .statusCode(200)
            .extract()
            .jsonPath();
    // An instant's text, SQL's spelling and epoch milliseconds all name a TIMESTAMP.
    for (String bounds :
        List.of(
            "\"2000-01-01T00:00:00Z\", \"2100-01-01T00:00:00Z\"",
            "\"2000-01-01 00:00:00\", \"2100-01-01 00:00:00.000\"",
            "946684800000, 4102444800000")) {
      JsonPath bound =
          post("/v1/sql", sql(q, ", \"params\": [" + bounds + ", \"h1\"]"))
              .statusCode(200)
              .extract()
              .jsonPath();
      assertEquals(all.getList("rows"), bound.getList("rows"), bounds);
    }
    // A hostile string is a value compared with host, nothing more.
    JsonPath hostile =
        post("/v1/sql", sql(q, ", \"params\": [0, 4102444800000, \"h1' OR '1'='1\\\\ ü\"]"))
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(3, hostile.getInt("rowCount"), hostile.prettify());
    // NULL compares as SQL's: no row.
    JsonPath none =
        post("/v1/sql", sql(q, ", \"params\": [0, 4102444800000, null]"))
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(0, none.getInt("rowCount"), none.prettify());
    post("/v1/sql", sql(q, ", \"params\": [0, 1]"))
        .statusCode(400)
        .body("message", containsString("3 parameters (?) and 2 values"));
    post("/v1/sql", sql(q, ", \"params\": [\"yesterday\", 1, \"x\"]"))
        .statusCode(400)
        .body("message", containsString("TIMESTAMP parameter"));
    post("/v1/sql", sql(q, ", \"params\": [{\"a\": 1}, 1, \"x\"]"))
        .statusCode(400)
        .body("message", containsString("each of 'params'"));
  }

  @Test
  void explainShowsTheQueryShape() {
    String q =
        "SELECT COUNT(*) FROM "
            + table
            + " WHERE \"time\" >= TIMESTAMP '2000-01-01 00:00:00'"
            + " AND \"time\" < TIMESTAMP '2100-01-01 00:00:00'";
    post("/v1/sql", sql(q, "")).statusCode(200);
    JsonPath plan =
        post("/v1/sql/explain", sql(q.replace("2000-01-01", "2001-01-01"), ""))
            .statusCode(200)
            .extract()
            .jsonPath();
    assertTrue(plan.getString("shape").contains("?"), plan.prettify());
    assertEquals(
        List.of("2001-01-01T00:00:00Z", "2100-01-01T00:00:00Z"), plan.getList("parameters"));
    assertTrue(
        plan.getBoolean("planKept"), "the shape's plan fits these values: " + plan.prettify());
    // A statement's own parameters, explained without values: planned, nothing bounded by them.
    JsonPath own =
        post("/v1/sql/explain", sql("SELECT COUNT(*) FROM " + table + " WHERE \"time\" >= ?", ""))
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(List.of(), own.getList("parameters"), own.prettify());
  }
}
