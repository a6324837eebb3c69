package io.tidewater.federation;

import io.tidewater.federation.influxql.InfluxQLEngine;
import io.tidewater.lifecycle.export.ExportJob;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.local.LocalLakeStore;
import io.tidewater.policy.PolicySet;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * Ten days of data written alike to two databases of a real InfluxDB: {@code truth} keeps
 * everything; the gateway's is tiered at a fixed "now" (3 hot days, older hours exported to the
 * lake with 1h rollups) and then loses what is older than the split, so an InfluxQL answer through
 * the gateway equals the truth's only if it reads history from the lake.
 *
 * <p>{@code cpu}: hosts a, b (region eu) and c (region zürich) every 5 minutes with random gaps,
 * and {@code o'ne"il} (no region) every 30 minutes; fields usage (float), procs (integer), state
 * (string, now and then) and up (boolean). {@code mem}: used (integer) every 10 minutes for a and
 * b.
 */
final class InfluxQLFixture {

  static final Instant START = Instant.parse("2025-05-01T00:00:00Z");
  static final Instant END = Instant.parse("2025-05-11T00:00:00Z");
  static final Instant NOW = Instant.parse("2025-05-11T00:30:00Z");
  static final Instant SPLIT = Instant.parse("2025-05-08T00:00:00Z");

  final InfluxServer influx;
  final String database;
  final String truth;
  final FederationCatalog catalog;
  final SqlEngine sql;
  final InfluxQLEngine engine;

  /** The same, translating every SELECT into SQL (none sent to InfluxDB as written). */
  final InfluxQLEngine translating;

  private final HttpClient http = HttpClient.newHttpClient();

  private static InfluxQLFixture instance;

  static synchronized InfluxQLFixture get() {
    if (instance == null) {
      instance = new InfluxQLFixture();
    }
    return instance;
  }

  private InfluxQLFixture() {
    try {
      influx = TestServers.influx();
      database = influx.newDatabase("iq");
      truth = influx.newDatabase("iq_truth");
      String lp = lines();
      influx.write(database, lp);
      influx.write(truth, lp);
      InfluxClient client = new InfluxClient(InfluxConnection.of(influx.url()));
      Path temp = Files.createTempDirectory("tidewater-influxql-");
      Ledger ledger = new Ledger(new LocalLakeStore(new LakeLocation.Local(temp.resolve("lake"))));
      Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
      PolicySet policies =
          PolicySet.parse(
              List.of(
                  Map.entry(
                      "iq.yaml",
                      """
          name: iq
          source: { database: %s, measurements: [cpu, mem] }
          window: 1h
          settle: 5m
          tiers:
            hot: { keep: 3d }
            warm: { after: 3d, rollups: [1h] }
          """
                          .formatted(database))));
      var report =
          ExportJob.builder(policies.policies().get(0), client, ledger)
              .stagingDir(temp.resolve("tmp"))
              .clock(clock)
              .retries(1, Duration.ofMillis(1))
              .build()
              .runDue()
              .orElseThrow();
      if (!report.failures().isEmpty()) {
        throw new IllegalStateException("fixture export failed: " + report.failures());
      }
      for (String m : List.of("cpu", "mem")) {
        influx.query(database, "DELETE FROM \"" + m + "\" WHERE time < '" + SPLIT + "'");
      }
      // Metadata kept for the run (nothing changes after the export): with none kept, every rule
      // the planner fires lists the lake again.
      catalog = new FederationCatalog(client, ledger, policies, clock, Duration.ofHours(1));
      sql = new SqlEngine(catalog);
      engine = new InfluxQLEngine(sql, catalog);
      translating = new InfluxQLEngine(sql, catalog, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** InfluxDB's own answer from the truth database: status and body. */
  HttpResponse<String> truth(String q, String params) {
    String url =
        influx.url().resolve("/query")
            + "?db="
            + URLEncoder.encode(truth, StandardCharsets.UTF_8)
            + "&q="
            + URLEncoder.encode(q, StandardCharsets.UTF_8)
            + (params.isEmpty() ? "" : "&" + params);
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(url)).GET().build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String lines() {
    Random random = new Random(7);
    StringBuilder lp = new StringBuilder();
    for (long t = START.getEpochSecond(); t < END.getEpochSecond(); t += 300) {
      for (String host : List.of("a", "b", "c")) {
        if (random.nextInt(20) == 0) {
          continue;
        }
        lp.append("cpu,host=")
            .append(host)
            .append(",region=")
            .append(host.equals("c") ? "zürich" : "eu")
            .append(" usage=")
            .append(Math.round(random.nextDouble() * 10000) / 100.0)
            .append(",procs=")
            .append(100 + random.nextInt(50))
            .append('i');
        if (random.nextInt(10) == 0) {
          lp.append(",state=\"").append(random.nextBoolean() ? "warn" : "ok").append('"');
        }
        lp.append(",up=").append(random.nextInt(8) != 0);
        lp.append(' ').append(t).append("000000000\n");
      }
      if (t % 1800 == 0) {
        lp.append("cpu,host=o'ne\"il usage=")
            .append(random.nextInt(100))
            .append(' ')
            .append(t)
            .append("000000000\n");
      }
      if (t % 600 == 0) {
        for (String host : List.of("a", "b")) {
          lp.append("mem,host=")
              .append(host)
              .append(" used=")
              .append(1000 + random.nextInt(1000))
              .append("i ")
              .append(t)
              .append("000000000\n");
        }
      }
    }
    return lp.toString();
  }
}
