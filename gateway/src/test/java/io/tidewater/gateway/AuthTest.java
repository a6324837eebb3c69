package io.tidewater.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every endpoint with every kind of caller, against a real gateway with auth on and a real
 * InfluxDB: no credential and an unknown token get 401 (with a challenge and a JSON body), a token
 * lacking the scope 403 naming what it lacks, the right one 2xx; a cached result never reaches a
 * caller who may not read all it read; joins and subqueries cannot hide a forbidden table; every
 * credential form InfluxDB's clients use works on the write endpoints, also through a real InfluxDB
 * subscription with {@code name:token@} in its destination; no token reaches the log.
 */
@QuarkusTest
@WithTestResource(AuthTestResource.class)
class AuthTest {

  @Inject MeterRegistry metrics;

  /** A caller: how it authenticates, or not. */
  enum Caller {
    NONE,
    WRONG,
    READER_B,
    READER_A,
    WRITER_A,
    ADMIN;

    RequestSpecification spec() {
      RequestSpecification r = given();
      return switch (this) {
        case NONE -> r;
        case WRONG -> r.header("Authorization", "Token tw_" + "0".repeat(64));
        case READER_B -> token(r, "reader-b");
        case READER_A -> token(r, "reader-a");
        case WRITER_A -> token(r, "writer-a");
        case ADMIN -> token(r, "admin");
      };
    }

    /** POSTs {@code body} to /v1/sql as this caller. */
    Response sql(String body) {
      return spec().contentType(ContentType.JSON).body(body).post("/v1/sql");
    }

    private static RequestSpecification token(RequestSpecification r, String name) {
      return r.header("Authorization", "Token " + AuthTestResource.TOKENS.get(name));
    }
  }

  /** An endpoint and how to call it. */
  enum Endpoint {
    SQL(
        r ->
            r.contentType(ContentType.JSON)
                .body(sql("SELECT count(*) AS n FROM \"%s\".cpu"))
                .post("/v1/sql")),
    EXPLAIN(
        r ->
            r.contentType(ContentType.JSON)
                .body(sql("SELECT * FROM \"%s\".cpu"))
                .post("/v1/sql/explain")),
    TABLES(r -> r.get("/v1/tables")),
    WRITE(r -> r.body("cpu,host=w v=1").post("/write?db=" + AuthTestResource.dbA)),
    WRITE_V2(r -> r.body("cpu,host=w v=2").post("/api/v2/write?bucket=" + AuthTestResource.dbA)),
    JOBS(r -> r.get("/v1/jobs")),
    RECONCILE(r -> r.post("/v1/jobs/auth-test/reconcile")),
    METRICS(r -> r.get("/q/metrics")),
    OPENAPI(r -> r.get("/q/openapi")),
    LIVE(r -> r.get("/q/health/live")),
    READY(r -> r.get("/q/health/ready")),
    PING(r -> r.get("/ping")),
    QUERY(
        r ->
            r.queryParam("db", AuthTestResource.dbA)
                .queryParam("q", "SELECT count(v) FROM cpu")
                .get("/query")),
    QUERY_SHOW(r -> r.queryParam("q", "SHOW DATABASES").post("/query"));

    final Function<RequestSpecification, Response> call;

    Endpoint(Function<RequestSpecification, Response> call) {
      this.call = call;
    }

    private static String sql(String template) {
      return "{\"sql\": \""
          + template.formatted(AuthTestResource.dbA).replace("\"", "\\\"")
          + "\"}";
    }
  }

  static Stream<Arguments> cases() {
    // Per endpoint, the status of each caller in Caller's order:
    // NONE, WRONG, READER_B, READER_A, WRITER_A, ADMIN.
    Map<Endpoint, int[]> expected =
        Map.ofEntries(
            Map.entry(Endpoint.SQL, new int[] {401, 401, 403, 200, 403, 200}),
            Map.entry(Endpoint.EXPLAIN, new int[] {401, 401, 403, 200, 403, 200}),
            Map.entry(Endpoint.TABLES, new int[] {401, 401, 200, 200, 200, 200}),
            Map.entry(Endpoint.WRITE, new int[] {401, 401, 403, 403, 204, 204}),
            Map.entry(Endpoint.WRITE_V2, new int[] {401, 401, 403, 403, 204, 204}),
            Map.entry(Endpoint.JOBS, new int[] {401, 401, 403, 403, 403, 200}),
            Map.entry(Endpoint.RECONCILE, new int[] {401, 401, 403, 403, 403, 200}),
            Map.entry(Endpoint.METRICS, new int[] {401, 401, 403, 403, 403, 200}),
            Map.entry(Endpoint.OPENAPI, new int[] {401, 401, 403, 403, 403, 200}),
            Map.entry(Endpoint.LIVE, new int[] {200, 200, 200, 200, 200, 200}),
            Map.entry(Endpoint.READY, new int[] {200, 200, 200, 200, 200, 200}),
            // Open without a token, as InfluxDB's; a wrong token is still refused.
            Map.entry(Endpoint.PING, new int[] {204, 401, 204, 204, 204, 204}),
            Map.entry(Endpoint.QUERY, new int[] {401, 401, 403, 200, 403, 200}),
            // Lists only the databases the caller may read (none for a writer).
            Map.entry(Endpoint.QUERY_SHOW, new int[] {401, 401, 200, 200, 200, 200}));
    List<Arguments> out = new ArrayList<>();
    for (Endpoint e : Endpoint.values()) {
      for (Caller c : Caller.values()) {
        out.add(Arguments.of(e, c, expected.get(e)[c.ordinal()]));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} by {1}: {2}")
  @MethodSource("cases")
  void everyEndpointForEveryCaller(Endpoint endpoint, Caller caller, int status) {
    // Probes ignore credentials only when they carry none or valid ones: a wrong token is refused
    // before any route (Quarkus authenticates every request that carries a credential).
    int want =
        (endpoint == Endpoint.LIVE || endpoint == Endpoint.READY) && caller == Caller.WRONG
            ? 401
            : status;
    Response r = endpoint.call.apply(caller.spec());
    assertEquals(want, r.statusCode(), endpoint + " by " + caller + ": " + r.body().asString());
    if (want == 401) {
      assertEquals("UNAUTHENTICATED", r.jsonPath().getString("code"), r.body().asString());
      assertTrue(r.header("WWW-Authenticate").contains("Token"), r.headers().toString());
    }
    if (want == 403 && endpoint == Endpoint.QUERY) {
      // InfluxDB's shape: {"error": "error authorizing query: ..."}.
      assertTrue(
          r.jsonPath().getString("error").startsWith("error authorizing query: "),
          r.body().asString());
    } else if (want == 403 && endpoint != Endpoint.WRITE && endpoint != Endpoint.WRITE_V2) {
      assertEquals("FORBIDDEN", r.jsonPath().getString("code"), r.body().asString());
    }
  }

  @Test
  void influxQueryTakesEveryCredentialInfluxDbClientsSend() {
    String token = AuthTestResource.TOKENS.get("reader-a");
    String q = "SELECT count(v) FROM cpu WHERE host = 'h'"; // not the points other tests write
    List<RequestSpecification> forms =
        List.of(
            given().queryParam("u", "grafana").queryParam("p", token),
            given().auth().preemptive().basic("grafana", token),
            given().header("Authorization", "Token " + token),
            given().header("Authorization", "Bearer " + token));
    for (RequestSpecification form : forms) {
      Response r = form.queryParam("db", AuthTestResource.dbA).queryParam("q", q).get("/query");
      assertEquals(200, r.statusCode(), r.body().asString());
      assertEquals(60, r.jsonPath().getInt("results[0].series[0].values[0][1]"), r.asString());
    }
    Response wrong =
        given()
            .queryParam("u", "grafana")
            .queryParam("p", "tw_" + "1".repeat(64))
            .queryParam("db", AuthTestResource.dbA)
            .queryParam("q", q)
            .get("/query");
    assertEquals(401, wrong.statusCode(), wrong.body().asString());
    // A multi-statement query is refused whole if one statement reads what the caller may not.
    Response mixed =
        Caller.READER_A
            .spec()
            .queryParam("db", AuthTestResource.dbA)
            .queryParam("q", q + "; SELECT count(v) FROM \"" + AuthTestResource.dbB + "\"..cpu")
            .get("/query");
    assertEquals(403, mixed.statusCode(), mixed.body().asString());
    List<String> shown =
        Caller.READER_B
            .spec()
            .queryParam("q", "SHOW DATABASES")
            .get("/query")
            .jsonPath()
            .getList("results[0].series[0].values.flatten()");
    assertEquals(List.of(AuthTestResource.dbB), shown);
  }

  @Test
  void tablesListsOnlyWhatTheCallerMayRead() {
    List<String> readerB =
        Caller.READER_B.spec().get("/v1/tables").jsonPath().getList("path.flatten()");
    assertFalse(readerB.contains(AuthTestResource.dbA), readerB.toString());
    assertTrue(readerB.contains(AuthTestResource.dbB), readerB.toString());
    List<String> admin = Caller.ADMIN.spec().get("/v1/tables").jsonPath().getList("path.flatten()");
    assertTrue(
        admin.containsAll(List.of(AuthTestResource.dbA, AuthTestResource.dbB)), admin.toString());
  }

  @Test
  void aCachedResultNeverReachesACallerWhoMayNotReadItsTables() {
    String body =
        "{\"sql\": \"SELECT count(*) AS n FROM \\\""
            + AuthTestResource.dbA
            + "\\\".cpu WHERE \\\"time\\\" < TIMESTAMP '2020-01-01 00:00:00'\"}";
    // Old enough to be cached (no InfluxDB minutes near now); asked twice so the second is a hit.
    for (int i = 0; i < 2; i++) {
      assertEquals(200, Caller.ADMIN.sql(body).statusCode());
    }
    Response denied = Caller.READER_B.sql(body);
    assertEquals(403, denied.statusCode(), denied.body().asString());
    assertTrue(
        denied.jsonPath().getString("message").contains(AuthTestResource.dbA + ".cpu"),
        denied.body().asString());
    assertEquals(200, Caller.READER_A.sql(body).statusCode(), "a caller who may read it: a hit");
  }

  @Test
  void joinsAndSubqueriesCannotHideAForbiddenTable() {
    String a = "\\\"" + AuthTestResource.dbA + "\\\"";
    String b = "\\\"" + AuthTestResource.dbB + "\\\"";
    for (String sql :
        List.of(
            "SELECT count(*) FROM "
                + a
                + ".cpu x JOIN "
                + b
                + ".cpu y ON x.\\\"time\\\" = y.\\\"time\\\"",
            "SELECT count(*) FROM (SELECT * FROM lake." + b + ".cpu) t",
            "SELECT count(*) FROM "
                + a
                + ".cpu WHERE v IN (SELECT v FROM influxdb."
                + b
                + ".cpu)")) {
      Response r =
          Caller.READER_A
              .spec()
              .contentType(ContentType.JSON)
              .body("{\"sql\": \"" + sql + "\"}")
              .post("/v1/sql");
      assertEquals(403, r.statusCode(), sql + ": " + r.body().asString());
      assertTrue(
          r.jsonPath().getString("message").contains(AuthTestResource.dbB), r.body().asString());
    }
  }

  private static Response sqlWithJwt(String jwt, String db) {
    return given()
        .header("Authorization", "Bearer " + jwt)
        .contentType(ContentType.JSON)
        .body("{\"sql\": \"SELECT count(*) FROM \\\"" + db + "\\\".cpu\"}")
        .post("/v1/sql");
  }

  @Test
  void jwtsOfTheIdentityProviderCarryScopesInTheirScopeClaim() throws Exception {
    String reader =
        Jwt.issuer(AuthTestResource.ISSUER)
            .subject("analyst")
            .claim("scope", "openid read:" + AuthTestResource.dbA + " profile")
            .expiresIn(300)
            .sign();
    assertEquals(200, sqlWithJwt(reader, AuthTestResource.dbA).statusCode());
    Response other = sqlWithJwt(reader, AuthTestResource.dbB);
    assertEquals(403, other.statusCode(), other.body().asString());
    given()
        .header("Authorization", "Bearer " + reader)
        .body("cpu v=1")
        .post("/write?db=" + AuthTestResource.dbA)
        .then()
        .statusCode(403);
    String noScopes = Jwt.issuer(AuthTestResource.ISSUER).subject("nobody").expiresIn(300).sign();
    assertEquals(403, sqlWithJwt(noScopes, AuthTestResource.dbA).statusCode());

    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    String[] refused = {
      Jwt.issuer("https://elsewhere")
          .subject("analyst")
          .claim("scope", "read:*")
          .expiresIn(300)
          .sign(),
      Jwt.issuer(AuthTestResource.ISSUER)
          .subject("analyst")
          .claim("scope", "read:*")
          .issuedAt(Instant.now().minusSeconds(7200))
          .expiresAt(Instant.now().minusSeconds(3600))
          .sign(),
      Jwt.issuer(AuthTestResource.ISSUER)
          .subject("analyst")
          .claim("scope", "read:*")
          .expiresIn(300)
          .sign(rsa.generateKeyPair().getPrivate()),
      "not.a.jwt"
    };
    for (String jwt : refused) {
      Response r = sqlWithJwt(jwt, AuthTestResource.dbA);
      assertEquals(401, r.statusCode(), jwt + ": " + r.body().asString());
    }
  }

  @Test
  void calcitesOwnCatalogDoesNotListOtherDatabases() {
    Response r =
        Caller.READER_A
            .spec()
            .contentType(ContentType.JSON)
            .body("{\"sql\": \"SELECT * FROM \\\"metadata\\\".\\\"TABLES\\\"\"}")
            .post("/v1/sql");
    assertEquals(404, r.statusCode(), r.body().asString());
  }

  @Test
  void everyInfluxCredentialFormWritesAndAWrongOneDoesNot() {
    String token = AuthTestResource.TOKENS.get("writer-a");
    String write = "/write?db=" + AuthTestResource.dbA;
    String basic =
        Base64.getEncoder().encodeToString(("writer-a:" + token).getBytes(StandardCharsets.UTF_8));
    given()
        .header("Authorization", "Token " + token)
        .body("cpu v=1")
        .post(write)
        .then()
        .statusCode(204);
    given()
        .header("Authorization", "Bearer " + token)
        .body("cpu v=1")
        .post(write)
        .then()
        .statusCode(204);
    given()
        .header("Authorization", "Basic " + basic)
        .body("cpu v=1")
        .post(write)
        .then()
        .statusCode(204);
    given().body("cpu v=1").post(write + "&u=writer-a&p=" + token).then().statusCode(204);
    given().body("cpu v=1").post(write + "&u=writer-a&p=wrong").then().statusCode(401);
    given().header("Authorization", "Basic !!!").body("cpu v=1").post(write).then().statusCode(401);
    given().header("Authorization", "Digest x").body("cpu v=1").post(write).then().statusCode(401);
  }

  @Test
  void aSubscriptionCarryingNameAndTokenInItsUrlDeliversWrites() throws Exception {
    String db = AuthTestResource.dbA;
    double before = accepted();
    AuthTestResource.influx.query(
        db,
        "CREATE SUBSCRIPTION \"auth\" ON \""
            + db
            + "\".\"autogen\" DESTINATIONS ALL"
            + " 'http://writer-a:"
            + AuthTestResource.TOKENS.get("writer-a")
            + "@127.0.0.1:"
            + RestAssured.port
            + "'");
    try {
      Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
      // InfluxDB picks up new subscriptions within seconds: write until one write arrives.
      while (accepted() == before) {
        assertTrue(
            Instant.now().isBefore(deadline),
            "no write reached the gateway through the subscription");
        AuthTestResource.influx.write(db, "cpu,host=sub v=1");
        Thread.sleep(500);
      }
    } finally {
      AuthTestResource.influx.query(db, "DROP SUBSCRIPTION \"auth\" ON \"" + db + "\".\"autogen\"");
    }
  }

  private double accepted() {
    var timer = metrics.find("tidewater_write_accept_seconds").timer();
    return timer == null ? 0 : timer.count();
  }

  @Test
  void noTokenReachesTheLog() throws Exception {
    everyInfluxCredentialFormWritesAndAWrongOneDoesNot();
    Caller.ADMIN
        .spec()
        .contentType(ContentType.JSON)
        .body("{\"sql\": \"SELEC broken\"}")
        .post("/v1/sql");
    String log = Files.readString(AuthTestResource.log);
    assertTrue(
        log.contains("\"principal\":\"writer-a\""),
        "the audit log names the principal: " + log.length());
    for (var e : AuthTestResource.TOKENS.entrySet()) {
      assertFalse(log.contains(e.getValue()), "token of " + e.getKey() + " in the log");
      assertFalse(
          log.contains(e.getValue().substring(3)), "token of " + e.getKey() + " in the log");
    }
  }
}
