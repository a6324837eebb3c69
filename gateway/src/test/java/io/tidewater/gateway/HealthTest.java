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
