package io.tidewater.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while a runaway statement runs (a count over a four-way cross join with a ten-minute
 * limit): the packaged gateway stops its statements and exits within seconds, and the client is
 * told so (503 QUERY_CANCELLED), not left hanging.
 */
class ShutdownIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void sigtermStopsARunawayQueryAndTheGatewayExits() throws Exception {
    InfluxServer influx = TestServers.influx();
    String db = influx.newDatabase("shutdown");
    Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minusSeconds(3 * 3600);
    StringBuilder lp = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      lp.append("cpu,host=h0 usage=")
          .append(i)
          .append(' ')
          .append(start.plusSeconds(30L * i).getEpochSecond())
          .append("000000000\n");
    }
    influx.write(db, lp.toString());
    Path policies = Files.createDirectories(dir.resolve("policies"));
    Files.writeString(
        policies.resolve("p.yaml"),
        """
        name: shutdown
        source: { database: %s, measurements: [cpu] }
        window: 1h
        tiers:
          hot: { keep: 30d }
          warm: { after: 30d }
        """
            .formatted(db));
    try (GatewayProcess gateway =
        GatewayProcess.start(
            dir,
            influx.url(),
            List.of(
                "-Dtidewater.policies.folder=" + policies,
                "-Dtidewater.export.scheduled=false",
                "-Dtidewater.query.timeout=PT10M"))) {
      assertEquals(200, gateway.awaitReady(), gateway.log());
      String t = "\\\"" + db + "\\\".cpu";
      String sql = "SELECT COUNT(*) FROM " + t + " a, " + t + " b, " + t + " c, " + t + " d";
      CompletableFuture<HttpResponse<String>> answer =
          HTTP.sendAsync(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/sql"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"sql\": \"" + sql + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      // Admitted (planning or running: shutdown stops either), then given time to run.
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      boolean admitted = false;
      while (!admitted && System.nanoTime() < until) {
        admitted = gateway.get("/q/metrics").body().contains("\ntidewater_query_running 1.0");
        Thread.sleep(50);
      }
      assertTrue(admitted, "the statement was admitted:\n" + gateway.log());
      Thread.sleep(3000);
      assertTrue(!answer.isDone(), "the statement runs: " + answer.getNow(null));
      long signalled = System.nanoTime();
      gateway.process().destroy(); // SIGTERM
      boolean exited = gateway.process().waitFor(20, TimeUnit.SECONDS);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
      assertTrue(exited, "still running 20 s after SIGTERM:\n" + gateway.log());
      assertTrue(ms < 10_000, "exited " + ms + " ms after SIGTERM:\n" + gateway.log());
      HttpResponse<String> stopped = answer.get(5, TimeUnit.SECONDS);
      assertEquals(503, stopped.statusCode(), stopped.body());
      assertTrue(stopped.body().contains("QUERY_CANCELLED"), stopped.body());
      System.out.println("gateway exited " + ms + " ms after SIGTERM");
    }
  }
}
