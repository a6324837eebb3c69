package io.tidewater.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tidewater.lifecycle.cdc.ChangeCapture;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The write targets answer as InfluxDB does and log what they accept before answering. */
@QuarkusTest
@WithTestResource(ExportTestResource.class)
class WriteResourceTest {

  @Inject ChangeCapture log;

  @Test
  void acceptedWritesAreLoggedBeforeThe204() throws Exception {
    long before = log.nextSequence();
    given()
        .body("cpu,host=a v=1 1700000000000000000\ncpu,host=b v=2 1700000000000000000\n")
        .when()
        .post("/write?db=telegraf&precision=ns")
        .then()
        .statusCode(204);
    given()
        .body("cpu,host=a v=3 1700000000")
        .when()
        .post("/api/v2/write?org=o&bucket=telegraf/autogen&precision=s")
        .then()
        .statusCode(204);
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
      gz.write("cpu,host=c v=4 1700000000000".getBytes(StandardCharsets.UTF_8));
    }
    given()
        .header("Content-Encoding", "gzip")
        .body(zipped.toByteArray())
        .when()
        .post("/write?db=telegraf&precision=ms")
        .then()
        .statusCode(204);
    assertEquals(before + 3, log.nextSequence());
  }

  @Test
  void badWritesGetInfluxDbStyleErrors() throws Exception {
    long before = log.nextSequence();
    given()
        .body("cpu v=1")
        .when()
        .post("/write")
        .then()
        .statusCode(400)
        .body("error", containsString("database is required"));
    given()
        .body("cpu v=1")
        .when()
        .post("/write?db=x&precision=weeks")
        .then()
        .statusCode(400)
        .body("error", containsString("unknown precision 'weeks'"));
    given()
        .body("cpu v=")
        .when()
        .post("/write?db=x")
        .then()
        .statusCode(400)
        .body("error", containsString("unable to parse 'cpu v=': missing field value (line 1)"));
    assertEquals(before, log.nextSequence(), "nothing valid: nothing logged");
    // One bad line among good ones: the good ones are kept, the answer names the bad one.
    given()
        .body("cpu v=1 1\ncpu v=x 2\ncpu v=3 3")
        .when()
        .post("/write?db=x")
        .then()
        .statusCode(400)
        .body("error", containsString("(line 2)"))
        .body("error", containsString("the other 2 points were accepted"));
    assertEquals(before + 1, log.nextSequence());
    // A point far in the future (past tidewater.cdc.max-future, 7 days): refused, the rest kept.
    long farAhead = (System.currentTimeMillis() + 30L * 86_400_000L) * 1_000_000L;
    given()
        .body("cpu v=1\ncpu v=2 " + farAhead + "\ncpu v=3")
        .when()
        .post("/write?db=x")
        .then()
        .statusCode(400)
        .body("error", containsString("further in the future than the gateway accepts"))
        .body("error", containsString("(line 2)"))
        .body("error", containsString("the other 2 points were accepted"));
    assertEquals(before + 2, log.nextSequence());
    // Over the size limit: refused before the body is read (the client asks with Expect:
    // 100-continue).
    var request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/write?db=x"))
            .expectContinue(true)
            .version(HttpClient.Version.HTTP_1_1)
            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[33 * 1024 * 1024]))
            .build();
    assertEquals(
        413,
        HttpClient.newHttpClient()
            .send(request, HttpResponse.BodyHandlers.discarding())
            .statusCode());
    assertEquals(before + 2, log.nextSequence());
  }
}
