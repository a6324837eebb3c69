package io.tidewater.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The {@code influx} CLI of Debian's influxdb-client package, pointed at the gateway, prints what
 * it prints pointed at the InfluxDB behind it: every output format, with and without credentials.
 */
@QuarkusTest
@WithTestResource(ExportTestResource.class)
class InfluxCliTest {

  @TestHTTPResource URL gateway;

  @ConfigProperty(name = "tidewater.influx.url")
  String influxUrl;

  private static String cli(URI server, String database, String format, String statement)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "influx",
                "-host",
                server.getHost(),
                "-port",
                String.valueOf(server.getPort()),
                "-username",
                "analyst",
                "-password",
                "unused-with-auth-off",
                "-format",
                format,
                "-precision",
                "rfc3339",
                "-execute",
                statement));
    if (database != null) {
      command.addAll(List.of("-database", database));
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("influx did not finish: " + command);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return "exit " + p.exitValue() + "\n" + out;
  }

  @Test
  void theInfluxCliSeesWhatItSeesOnInfluxDb() throws Exception {
    String db = database();
    Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.HOURS);
    String range = "time >= '" + start + "' AND time < '" + start.plus(2, ChronoUnit.HOURS) + "'";
    List<String> statements =
        List.of(
            "SHOW DATABASES",
            "SHOW MEASUREMENTS",
            "SHOW TAG VALUES FROM cpu WITH KEY = \"host\"",
            "SHOW FIELD KEYS",
            "SELECT mean(usage) FROM cpu WHERE " + range + " GROUP BY time(30m), host",
            "SELECT usage FROM cpu WHERE host = 'h2' AND " + range + " ORDER BY time DESC LIMIT 4",
            "SELECT count(usage) FROM cpu WHERE " + range + "; SELEC oops");
    URI influx = URI.create(influxUrl);
    URI ours = gateway.toURI();
    for (String format : List.of("column", "csv", "json")) {
      for (String s : statements) {
        String expected = cli(influx, db, format, s);
        String actual = cli(ours, db, format, s);
        if (s.startsWith("SHOW DATABASES")) {
          // The InfluxDB behind the gateway serves other tests' databases too; the gateway lists
          // those it knows. Both list this test's.
          assertTrue(actual.contains(db), actual);
          continue;
        }
        assertEquals(expected, actual, format + ": " + s);
      }
    }
  }

  private String database() {
    return given()
        .get("/v1/tables")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getString(
            "find { it.kind == 'routed' && it.path[1] == 'cpu' && it.path[0].startsWith('jobs') }"
                + ".path[0]");
  }
}
