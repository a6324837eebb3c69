package io.tidewater.lifecycle.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.store.TestStores;
import io.tidewater.policy.Durations;
import io.tidewater.policy.PolicyParser;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names too long for the lake's keys (a measurement of 300 characters, a partition tag value of
 * 300) are refused where they occur, at once and reported, never retried and never shortened; the
 * other measurement and the other windows are exported.
 */
class LongNamesTest {

  @TempDir Path temp;

  @Test
  void aNameTooLongForTheLakeIsRefusedAndTheRestExported() {
    InfluxServer influx = TestServers.influx();
    String db = influx.newDatabase("longnames");
    String longMeasurement = "m" + "x".repeat(300);
    String longHost = "h" + "y".repeat(300);
    long start = Durations.epochNanos(Instant.parse("2025-05-30T00:00:00Z"));
    StringBuilder lp = new StringBuilder();
    for (int i = 0; i < 48; i++) {
      long t = start + i * 3_600_000_000_000L;
      lp.append("cpu,host=").append(i == 5 ? longHost : "a").append(" v=").append(i).append(' ');
      lp.append(t).append('\n');
      lp.append(longMeasurement).append(",host=a v=").append(i).append(' ').append(t);
      lp.append('\n');
    }
    influx.write(db, lp.toString());
    TieringPolicy policy =
        new PolicyParser()
            .parse(
                "l.yaml",
                """
        name: longnames
        source: { database: %s, measurements: [/.*/] }
        window: 1h
        tiers:
          hot: { keep: 30d }
          warm: { after: 30d }
        lake: { partition-by: day, tags-as-partitions: [host] }
        """
                    .formatted(db))
            .get(0);
    Ledger ledger = new Ledger(TestStores.local());
    ExportJob job =
        ExportJob.builder(policy, new InfluxClient(InfluxConnection.of(influx.url())), ledger)
            .stagingDir(temp)
            .clock(Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC))
            .retries(3, Duration.ofSeconds(20))
            .build();
    long started = System.nanoTime();
    JobReport report = job.runDue().orElseThrow();
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "no retry of a name: " + took);

    List<JobReport.WindowFailure> names =
        report.failures().stream()
            .filter(f -> f.kind() == JobReport.FailureKind.NAME_TOO_LONG)
            .toList();
    assertEquals(1, names.size(), report.failures().toString());
    assertEquals(longMeasurement, names.get(0).measurement());
    assertTrue(names.get(0).reason().contains("bytes as a lake folder name"), names.toString());
    assertTrue(ledger.windows(db, longMeasurement, Resolution.RAW).isEmpty());

    assertEquals(1, report.errors().size(), report.errors().toString());
    JobReport.WindowFailure tag = report.errors().get(0);
    assertEquals("cpu", tag.measurement());
    assertEquals(Instant.parse("2025-05-30T05:00:00Z"), tag.window().start());
    assertTrue(tag.reason().contains("partition tag's value"), tag.reason());
    assertEquals(47, ledger.windows(db, "cpu", Resolution.RAW).size(), "the other windows");
  }
}
