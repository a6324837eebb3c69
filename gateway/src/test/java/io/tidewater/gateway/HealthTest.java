package io.tidewater.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RealServersResource.class)
class HealthTest {

  @Test
  void healthIsUpWithInfluxDbAndTheLakeReachable() {
    given()
        .when()
        .get("/q/health")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.find { it.name == 'influxdb' }.status", equalTo("UP"))
        .body("checks.find { it.name == 'influxdb' }.data.version", startsWith("1.6"))
        .body("checks.find { it.name == 'lake' }.status", equalTo("UP"));
  }

  /** InfluxDB's /ping, as its clients call it before anything else. */
  @Test
  void pingAnswersAsInfluxDbDoes() {
    for (String method : new String[] {"GET", "HEAD"}) {
      given()
          .request(method, "/ping")
          .then()
          .statusCode(204)
          .header("X-Influxdb-Version", equalTo("1.8.10"))
          .header("X-Influxdb-Build", equalTo("Tidewater"));
    }
    given()
        .get("/ping?verbose=true")
        .then()
        .statusCode(200)
        .header("X-Influxdb-Version", equalTo("1.8.10"))
        .body("version", equalTo("1.8.10"));
    given().get("/ping?verbose=false").then().statusCode(204);
  }

  @Test
  void metricsAndOpenApiAreServed() {
    given()
        .when()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("jvm_memory_used_bytes"));
    given()
        .when()
        .get("/q/openapi?format=json")
        .then()
        .statusCode(200)
        .body("info.title", equalTo("Tidewater gateway"));
  }
}
