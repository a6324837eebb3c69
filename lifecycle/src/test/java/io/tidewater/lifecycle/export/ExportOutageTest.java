package io.tidewater.lifecycle.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.error.TidewaterException;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowWriter;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.S3Buckets;
import io.tidewater.lifecycle.store.s3.S3LakeStore;
import io.tidewater.lifecycle.store.s3.S3StoreConfig;
import io.tidewater.policy.PolicyParser;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.S3Server;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** InfluxDB or the store going away: the run fails cleanly, commits nothing, and the next run succeeds. */
class ExportOutageTest {

  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  // Own servers: stopping them must not disturb other tests.
  static InfluxServer influx;
  static S3Server s3;
  static S3LakeStore store;

  @TempDir
  Path temp;

  @BeforeAll
  static void start() {
    influx = InfluxServer.start();
    s3 = S3Server.start();
    S3StoreConfig config = new S3StoreConfig(Optional.of(s3.endpoint()), true, Optional.of(S3Server.REGION),
        Optional.of(S3Server.ACCESS_KEY), Optional.of(S3Server.SECRET_KEY), 5 * S3StoreConfig.MIB, 5 * S3StoreConfig.MIB);
    S3Buckets.create(config, "outage");
    store = new S3LakeStore((LakeLocation.S3) LakeLocation.parse("s3://outage/lake"), config);
  }

  @AfterAll
  static void stop() {
    store.close();
    influx.close();
    s3.close();
  }

  private ExportJob job(String db, Ledger ledger) {
    TieringPolicy policy = new PolicyParser().parse("t.yaml", """
        name: outage
        source: { database: %s, measurements: [cpu] }
        tiers:
          hot: { keep: 30d }
          warm: { after: 30d, rollups: [1m] }
        """.formatted(db)).get(0);
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    InfluxClient client = new InfluxClient(InfluxConnection.of(influx.url()));
    return new ExportJob(policy, client, ledger, new WindowExporter(client, new WindowWriter(ledger, temp, clock)),
        clock, 2, Duration.ofMillis(10));
  }

  private String loadTwoHours() {
    String db = influx.newDatabase("outage");
    StringBuilder lp = new StringBuilder();
    long start = Instant.parse("2025-06-01T08:00:00Z").getEpochSecond() * 1_000_000_000L;
    for (int i = 0; i < 120; i++) {
      lp.append("cpu,host=a v=").append(i).append(' ').append(start + i * 60_000_000_000L).append('\n');
    }
    influx.write(db, lp.toString());
    return db;
  }

  @Test
  void influxDbDownFailsTheRunCleanlyAndTheNextRunExports() {
    String db = loadTwoHours();
    Ledger ledger = new Ledger(store);
    ExportJob job = job(db, ledger);
    influx.stop();
    try {
      TidewaterException e = assertThrows(TidewaterException.class, job::runDue);
      assertTrue(e.getMessage().contains("is unreachable"), e.getMessage());
      assertEquals(List.of(), ledger.windows(db, "cpu", Resolution.RAW), "nothing committed");
    } finally {
      influx.restart();
    }
    JobReport report = job.runDue().orElseThrow();
    assertEquals(List.of(), report.failures());
    assertEquals(2, report.exported().size());
    assertEquals(120, report.rows());
  }

  @Test
  void storeDownFailsCleanlyAndTheNextRunExports() {
    String db = loadTwoHours();
    Ledger ledger = new Ledger(store);
    ExportJob job = job(db, ledger);
    s3.stop();
    try {
      TidewaterException e = assertThrows(TidewaterException.class, job::runDue);
      assertTrue(e.getMessage().startsWith("cannot list s3://outage/lake/_ledger/"), e.getMessage());
    } finally {
      s3.restart();
    }
    assertEquals(List.of(), ledger.windows(db, "cpu", Resolution.RAW), "nothing committed");
    JobReport report = job.runDue().orElseThrow();
    assertEquals(List.of(), report.failures());
    assertEquals(2, report.exported().size());
  }
}
