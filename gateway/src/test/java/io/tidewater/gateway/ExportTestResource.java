package io.tidewater.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * A gateway with one policy over a database holding two settled hours of data (3 hosts, a point a
 * minute), a fresh local lake, and schedules off so tests start runs themselves.
 */
public class ExportTestResource implements QuarkusTestResourceLifecycleManager {

  static final int HOSTS = 3;
  static final int POINTS_PER_HOST = 120;

  @Override
  public Map<String, String> start() {
    try {
      InfluxServer influx = TestServers.influx();
      String db = influx.newDatabase("jobs");
      Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));
      StringBuilder lp = new StringBuilder();
      for (int h = 0; h < HOSTS; h++) {
        for (int i = 0; i < POINTS_PER_HOST; i++) {
          long t = start.plusSeconds(60L * i).getEpochSecond() * 1_000_000_000L;
          lp.append("cpu,host=h")
              .append(h)
              .append(" usage=")
              .append(i)
              .append(".5 ")
              .append(t)
              .append('\n');
        }
      }
      influx.write(db, lp.toString());
      Path policies = Files.createTempDirectory("tidewater-policies-");
      Files.writeString(
          policies.resolve("jobs.yaml"),
          """
          name: jobs-test
          source: { database: %s, measurements: [cpu] }
          window: 1h
          settle: 5m
          tiers:
            hot: { keep: 30d }
            warm: { after: 30d, rollups: [1m] }
          """
              .formatted(db));
      return Map.of(
          "tidewater.policies.folder", policies.toString(),
          "tidewater.influx.url", influx.url().toString(),
          "tidewater.lake.uri", Files.createTempDirectory("tidewater-lake-").toUri().toString(),
          "tidewater.export.scheduled", "false",
          "tidewater.export.backoff", "PT0.05S");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stop() {}
}
