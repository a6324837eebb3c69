package io.tidewater.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A change log with an unreadable record between readable ones (a disk error, not a torn tail): the
 * restarted packaged gateway replays the readable records and says what it skipped in {@code
 * /v1/jobs} and a metric, instead of only in its log.
 */
class ChangeLogProblemsIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void anUnreadableRecordIsSkippedAndReportedInJobsAndMetrics() throws Exception {
    InfluxServer influx = TestServers.influx();
    String db = influx.newDatabase("logproblems");
    Path policies = Files.createDirectories(dir.resolve("policies"));
    Files.writeString(
        policies.resolve("p.yaml"),
        """
        name: logproblems
        source: { database: %s, measurements: [cpu] }
        window: 1h
        tiers:
          hot: { keep: 30d }
          warm: { after: 30d }
        """
            .formatted(db));
    List<String> jvm =
        List.of(
            "-Dtidewater.policies.folder=" + policies,
            "-Dtidewater.export.scheduled=false",
            "-Dtidewater.cdc.repair-interval=1h"); // nothing trims the log meanwhile
    int port = GatewayProcess.freePort();
    long t = Instant.now().truncatedTo(ChronoUnit.HOURS).minusSeconds(2 * 3600).getEpochSecond();
    try (GatewayProcess gateway =
        GatewayProcess.start(
            dir,
            influx.url(),
            jvm,
            List.of("-Dtidewater.lake.uri=" + dir.resolve("lake").toUri()),
            port)) {
      assertEquals(200, gateway.awaitReady(), gateway.log());
      for (int i = 0; i < 5; i++) {
        // Equal lengths, so every record of the segment has the same size.
        assertEquals(204, write(port, db, "cpu,host=h" + i + " usage=1 " + (t + i)), gateway.log());
      }
    }
    Path segment;
    try (Stream<Path> files = Files.list(dir.resolve("cdc-log"))) {
      segment = files.filter(Files::isRegularFile).sorted().findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(segment);
    assertEquals(0, bytes.length % 5, "five records of one size in " + segment);
    int record = bytes.length / 5;
    bytes[2 * record + record - 3] ^= 0x5a; // inside the third record's body
    Files.write(segment, bytes);

    try (GatewayProcess gateway =
        GatewayProcess.start(
            dir,
            influx.url(),
            jvm,
            List.of("-Dtidewater.lake.uri=" + dir.resolve("lake").toUri()),
            port)) {
      assertEquals(200, gateway.awaitReady(), gateway.log());
      JsonPath job = JsonPath.from(gateway.get("/v1/jobs/logproblems").body());
      List<String> problems = job.getList("changes.logProblems");
      assertEquals(1, problems.size(), job.prettify());
      assertEquals(1, job.getInt("changes.logProblemCount"), job.prettify());
      assertTrue(problems.get(0).contains("writes 2 to 2 are lost"), problems.get(0));
      String metrics = gateway.get("/q/metrics").body();
      assertTrue(metrics.contains("\ntidewater_cdc_log_problems 1.0"), metrics);
      assertTrue(metrics.contains("\ntidewater_cdc_replayed_writes 4.0"), metrics);
    }
  }

  private static int write(int port, String db, String line) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/write?precision=s&db=" + db))
                .POST(HttpRequest.BodyPublishers.ofString(line))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
