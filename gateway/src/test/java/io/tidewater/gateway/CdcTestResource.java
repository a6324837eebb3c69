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
 * A gateway for change capture: one policy (1h windows settling in 2s, micro-batches after 1 s)
 * over a database holding two closed hours of data, a fresh lake and change log, re-exports checked
 * every second, reconciliation only on request.
 */
public class CdcTestResource implements QuarkusTestResourceLifecycleManager {

  static volatile InfluxServer influx;
  static volatile String database;
  static volatile Instant start;
  static volatile Path lake;

  @Override
  public Map<String, String> start() {
    try {
      influx = TestServers.influx();
      database = influx.newDatabase("cdc");
      start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));
      StringBuilder lp = new StringBuilder();
      for (int h = 0; h < 2; h++) {
        for (int i = 0; i < 120; i++) {
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
      influx.write(database, lp.toString());
      Path policies = Files.createTempDirectory("tidewater-policies-");
      Files.writeString(
          policies.resolve("cdc.yaml"),
          """
          name: cdc-test
          source: { database: %s, measurements: [cpu] }
          window: 1h
          settle: 2s
          micro-batch: { max-points: 1000, max-delay: 1s }
          tiers:
            hot: { keep: 30d }
            warm: { after: 30d }
          """
              .formatted(database));
      lake = Files.createTempDirectory("tidewater-lake-");
      return Map.of(
          "tidewater.policies.folder", policies.toString(),
          "tidewater.influx.url", influx.url().toString(),
          "tidewater.lake.uri", lake.toUri().toString(),
          "tidewater.export.scheduled", "false",
          "tidewater.cdc.log-dir", Files.createTempDirectory("tidewater-cdc-log-").toString(),
          "tidewater.cdc.repair-interval", "1s",
          // The tests reconcile on request: a scheduled pass (its first a minute after start-up)
          // would
          // repair the window CdcSubscriptionTest leaves unseen before it asserts that it was
          // unseen.
          "tidewater.cdc.reconcile-interval", "off");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stop() {}
}
