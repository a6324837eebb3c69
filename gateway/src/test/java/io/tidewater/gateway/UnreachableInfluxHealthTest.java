package io.tidewater.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(UnreachableInfluxHealthTest.NothingListening.class)
class UnreachableInfluxHealthTest {

  /** InfluxDB configured on a port where nothing listens (port 9 is "discard", closed here). */
  public static class NothingListening implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("tidewater.influx.url", "http://127.0.0.1:9");
    }
  }

  @Test
  void readinessIsDownAndNamesInfluxDb() {
    given()
        .when()
        .get("/q/health/ready")
        .then()
        .statusCode(503)
        .body("status", equalTo("DOWN"))
        .body("checks.find { it.name == 'influxdb' }.status", equalTo("DOWN"))
        .body("checks.find { it.name == 'influxdb' }.data.error", containsString("unreachable"));
    given().when().get("/q/health/live").then().statusCode(200);
  }
}
