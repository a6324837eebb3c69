package io.tidewater.benchmarks;

import io.tidewater.federation.FederationCatalog;
import io.tidewater.federation.SqlEngine;
import io.tidewater.federation.SqlResult;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.local.LocalLakeStore;
import io.tidewater.policy.PolicySet;
import io.tidewater.testing.InfluxServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * What the federation benchmarks query: a real influxd with {@code cpu} of 100 hosts (points 10 s
 * apart from 2025-01-01) exported whole into a local lake, a second database of the same shape no
 * policy claims (InfluxDB's alone: hot-only queries), and a catalog over both.
 */
public final class FederationFixture implements AutoCloseable {

  public final InfluxServer influx;

  /** Exported: its routed table reads the lake. */
  public final String database;

  /** Not exported: its routed table reads InfluxDB. */
  public final String hotDatabase;

  public final Path lake;
  public final FederationCatalog catalog;

  private FederationFixture(
      InfluxServer influx,
      String database,
      String hotDatabase,
      Path lake,
      FederationCatalog catalog) {
    this.influx = influx;
    this.database = database;
    this.hotDatabase = hotDatabase;
    this.lake = lake;
    this.catalog = catalog;
  }

  /**
   * {@code perHost} points per host exported; {@code hotPerHost} in the database that stays hot.
   */
  public static FederationFixture start(long perHost, long hotPerHost) throws Exception {
    InfluxServer influx = InfluxServer.start();
    try {
      String db = influx.newDatabase("fedbench");
      ExportThroughputReport.load(influx, db, perHost);
      long end = ExportThroughputReport.START + perHost * ExportThroughputReport.INTERVAL;
      Path lake = Files.createTempDirectory("tidewater-federation-bench-");
      Clock clock =
          Clock.fixed(
              Instant.ofEpochSecond(end / 1_000_000_000L).plus(Duration.ofDays(1)), ZoneOffset.UTC);
      PolicySet policies =
          PolicySet.parse(
              List.of(Map.entry("bench.yaml", ExportThroughputReport.allHotPolicy(db))));
      InfluxClient client = new InfluxClient(InfluxConnection.of(influx.url()));
      Ledger ledger = new Ledger(new LocalLakeStore(new LakeLocation.Local(lake)));
      ExportThroughputReport.localExportJob(policies.policies().get(0), client, ledger, lake, clock)
          .runDue()
          .orElseThrow();
      String hotDb = influx.newDatabase("hot");
      ExportThroughputReport.load(influx, hotDb, hotPerHost);
      return new FederationFixture(
          influx,
          db,
          hotDb,
          lake,
          new FederationCatalog(client, ledger, policies, clock, Duration.ofMinutes(10)));
    } catch (Exception | Error e) {
      influx.close();
      throw e;
    }
  }

  /** Every lake file of {@code cpu} at full resolution, as a DuckDB glob. */
  public String rawGlob() {
    return lake.resolve(database).resolve("cpu").resolve("res=raw") + "/**/*.parquet";
  }

  /** Runs {@code sql} and reads every row; returns how many. */
  public static long drain(SqlEngine engine, String sql) {
    long n = 0;
    try (SqlResult r = engine.query(sql, Long.MAX_VALUE, Duration.ofMinutes(5))) {
      while (r.next() != null) {
        n++;
      }
    }
    return n;
  }

  @Override
  public void close() {
    influx.close();
  }
}
