package io.tidewater.federation;

import io.tidewater.lifecycle.export.ExportJob;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.local.LocalLakeStore;
import io.tidewater.policy.PolicySet;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A month of two measurements in a real InfluxDB, tiered by a policy at a fixed "now": the last 10
 * days hot (InfluxDB), older days warm in the lake. A second lake holds a full raw export of
 * everything (DuckDB over it gives the truth); after the exports InfluxDB loses what is older than
 * the split, so only correct routing answers older ranges.
 *
 * <p>{@code cpu}: hosts a, b (region eu) and c (us) every 5 minutes with random gaps; fields
 * usage_user, usage_system (float), procs (integer); from May 25 a new integer field temp, and from
 * May 15 a new tag rack on host c (schema evolution: NULL before). {@code mem}: used (integer) and
 * active (boolean) every 10 minutes.
 */
final class FederationFixture {

  static final Instant START = Instant.parse("2025-05-01T00:00:00Z");
  static final Instant END = Instant.parse("2025-06-01T00:00:00Z");
  static final Instant NOW = Instant.parse("2025-06-01T00:30:00Z");

  /**
   * Where the routed table splits: hot keep of 10 days before now, aligned down to the tier unit (a
   * day).
   */
  static final Instant SPLIT = Instant.parse("2025-05-22T00:00:00Z");

  final InfluxServer influx;
  final String database;
  final InfluxClient client;
  final Ledger ledger;
  final Ledger truthLedger;
  final Path truthFolder;
  final FederationCatalog catalog;
  final SqlEngine engine;
  final PolicySet policies;

  private static FederationFixture instance;

  static synchronized FederationFixture get() {
    if (instance == null) {
      instance = new FederationFixture();
    }
    return instance;
  }

  private FederationFixture() {
    try {
      influx = TestServers.influx();
      database = influx.newDatabase("fed");
      load();
      client = new InfluxClient(InfluxConnection.of(influx.url()));
      Path temp = Files.createTempDirectory("tidewater-federation-");
      ledger = new Ledger(new LocalLakeStore(new LakeLocation.Local(temp.resolve("lake"))));
      truthFolder = temp.resolve("truth");
      truthLedger = new Ledger(new LocalLakeStore(new LakeLocation.Local(truthFolder)));
      Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
      policies =
          PolicySet.parse(
              List.of(
                  Map.entry(
                      "fed.yaml",
                      """
          name: fed
          source: { database: %s, measurements: [cpu, mem] }
          window: 1h
          settle: 5m
          tiers:
            hot: { keep: 10d }
            warm: { after: 10d, rollups: [1h] }
          """
                          .formatted(database))));
      export(policies.policies().get(0), ledger, clock, temp.resolve("tmp"));
      // The truth: everything in the lake, exported as if it were a year later.
      TieringPolicy all =
          PolicySet.parse(
                  List.of(
                      Map.entry(
                          "truth.yaml",
                          """
          name: truth
          source: { database: %s, measurements: [cpu, mem] }
          window: 1d
          tiers:
            hot: { keep: 2d }
            warm: { after: 2d }
          """
                              .formatted(database))))
              .policies()
              .get(0);
      export(
          all,
          truthLedger,
          Clock.fixed(NOW.plus(Duration.ofDays(30)), ZoneOffset.UTC),
          temp.resolve("tmp2"));
      // As a policy deleting from InfluxDB after export would: the lake alone now holds what is
      // older than the split, so a query routed wrongly to InfluxDB misses rows.
      for (String m : List.of("cpu", "mem")) {
        influx.query(database, "DELETE FROM \"" + m + "\" WHERE time < '" + SPLIT + "'");
      }
      catalog = new FederationCatalog(client, ledger, policies, clock, Duration.ZERO);
      engine = new SqlEngine(catalog);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void export(TieringPolicy policy, Ledger into, Clock clock, Path temp) {
    ExportJob job =
        ExportJob.builder(policy, client, into)
            .stagingDir(temp)
            .clock(clock)
            .retries(1, Duration.ofMillis(1))
            .build();
    var report = job.runDue().orElseThrow();
    if (!report.failures().isEmpty()) {
      throw new IllegalStateException("fixture export failed: " + report.failures());
    }
  }

  private void load() {
    Random random = new Random(42);
    StringBuilder lp = new StringBuilder();
    long step = 300;
    for (long t = START.getEpochSecond(); t < END.getEpochSecond(); t += step) {
      for (String host : List.of("a", "b", "c")) {
        if (random.nextInt(20) == 0) {
          continue; // a gap
        }
        lp.append("cpu,host=")
            .append(host)
            .append(",region=")
            .append(host.equals("c") ? "us" : "eu");
        if (host.equals("c") && t >= Instant.parse("2025-05-15T00:00:00Z").getEpochSecond()) {
          lp.append(",rack=r").append(1 + random.nextInt(2));
        }
        lp.append(" usage_user=")
            .append(Math.round(random.nextDouble() * 10000) / 100.0)
            .append(",usage_system=")
            .append(random.nextDouble() * 10)
            .append(",procs=")
            .append(100 + random.nextInt(50))
            .append('i');
        if (t >= Instant.parse("2025-05-25T00:00:00Z").getEpochSecond()) {
          lp.append(",temp=").append(40 + random.nextInt(30)).append('i');
        }
        lp.append(' ').append(t).append("000000000\n");
        if (t % 600 == 0) {
          lp.append("mem,host=")
              .append(host)
              .append(" used=")
              .append(1000 + random.nextInt(1000))
              .append("i,active=")
              .append(random.nextBoolean())
              .append(' ')
              .append(t)
              .append("000000000\n");
        }
      }
      if (lp.length() > 1_000_000) {
        influx.write(database, lp.toString());
        lp.setLength(0);
      }
    }
    influx.write(database, lp.toString());
  }
}
