package io.tidewater.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.tidewater.federation.route.Place;
import io.tidewater.lifecycle.export.ExportJob;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.local.LocalLakeStore;
import io.tidewater.policy.PolicySet;
import io.tidewater.policy.Resolution;
import io.tidewater.testing.InfluxServer;
import io.tidewater.testing.TestServers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cold tier keeping only hourly rollups: aggregates answer from them, raw reads fail clearly. */
class ColdTierTest {

  @TempDir Path temp;

  @Test
  void coldDataAnswersFromRollupsAndRawReadsSayWhy() {
    InfluxServer influx = TestServers.influx();
    String db = influx.newDatabase("cold");
    StringBuilder lp = new StringBuilder();
    Instant start = Instant.parse("2025-03-01T00:00:00Z");
    for (int i = 0; i < 4 * 24 * 60; i++) { // four days, a point a minute per host
      for (String host : List.of("a", "b")) {
        lp.append("cpu,host=")
            .append(host)
            .append(" v=")
            .append(i % 97)
            .append(".25 ")
            .append(start.plusSeconds(60L * i).getEpochSecond())
            .append("000000000\n");
      }
    }
    influx.write(db, lp.toString());
    Instant now = Instant.parse("2025-03-05T00:30:00Z");
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    PolicySet policies =
        PolicySet.parse(
            List.of(
                Map.entry(
                    "cold.yaml",
                    """
        name: cold
        source: { database: %s, measurements: [cpu] }
        window: 1h
        settle: 5m
        tiers:
          hot: { keep: 1d }
          warm: { after: 1d, rollups: [1h] }
          cold: { after: 2d, rollups: [1h], raw: none }
        """
                        .formatted(db))));
    InfluxClient client = new InfluxClient(InfluxConnection.of(influx.url()));
    Ledger ledger = new Ledger(new LocalLakeStore(new LakeLocation.Local(temp.resolve("lake"))));
    ExportJob.builder(policies.policies().get(0), client, ledger)
        .stagingDir(temp.resolve("tmp"))
        .clock(clock)
        .retries(1, Duration.ofMillis(1))
        .build()
        .runDue()
        .orElseThrow();
    SqlEngine engine =
        new SqlEngine(new FederationCatalog(client, ledger, policies, clock, Duration.ZERO));
    String table = "\"" + db + "\".cpu";

    // Hourly sums over the cold days (raw dropped) equal InfluxDB's own.
    String hourly =
        "SELECT FLOOR(\"time\" TO HOUR), host, SUM(v), COUNT(v), MAX(v) FROM "
            + table
            + " WHERE \"time\" < TIMESTAMP '2025-03-03 00:00:00' GROUP BY FLOOR(\"time\" TO HOUR), host";
    assertEquals(
        "1h",
        engine.explain(hourly).parts().stream()
            .filter(p -> p.place() == Place.LAKE)
            .findFirst()
            .orElseThrow()
            .resolution());
    List<List<Object>> ours = Rows.of(engine, hourly);
    assertEquals(2 * 48, ours.size());
    String truth =
        client
            .rows(
                db,
                "SELECT sum(v), count(v) FROM cpu WHERE time < '2025-03-03T00:00:00Z' GROUP BY time(1h), host fill(none)")
            .stream()
            .map(r -> List.of(((Number) r.get(1)).doubleValue(), ((Number) r.get(2)).longValue()))
            .sorted(Comparator.comparing(Object::toString))
            .toList()
            .toString();
    assertEquals(
        truth,
        ours.stream()
            .map(r -> List.of(r.get(2), r.get(3)))
            .sorted(Comparator.comparing(Object::toString))
            .toList()
            .toString());

    // Raw points of the cold days are gone: a clear error, not a silently short answer.
    TidewaterException e =
        assertThrows(
            TidewaterException.class, () -> Rows.of(engine, "SELECT COUNT(*) FROM " + table));
    assertEquals(ErrorCode.UNSUPPORTED, e.code());
    assertTrue(
        e.getMessage().contains("no longer kept") && e.getMessage().contains("lake_1h"),
        e.getMessage());
    // The warm day still has its raw points.
    assertEquals(
        List.of(List.of(2L * 24 * 60)),
        Rows.of(
            engine,
            "SELECT COUNT(*) FROM "
                + table
                + " WHERE \"time\" >= TIMESTAMP '2025-03-03 00:00:00' AND \"time\" < TIMESTAMP '2025-03-04 00:00:00'"));
  }

  @Test
  void aDaySpanWhoseRawIsPartlyDroppedRefusesRawReadsThere() {
    InfluxServer influx = TestServers.influx();
    String db = influx.newDatabase("span");
    StringBuilder lp = new StringBuilder();
    Instant start = Instant.parse("2025-03-01T00:00:00Z");
    for (int i = 0; i < 4 * 24 * 60; i++) {
      lp.append("cpu,host=a v=")
          .append(i % 97)
          .append(".25 ")
          .append(start.plusSeconds(60L * i).getEpochSecond())
          .append("000000000\n");
    }
    influx.write(db, lp.toString());
    Instant now = Instant.parse("2025-03-05T00:30:00Z");
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    PolicySet policies =
        PolicySet.parse(
            List.of(
                Map.entry(
                    "span.yaml",
                    """
        name: span
        source: { database: %s, measurements: [cpu] }
        window: 1h
        settle: 5m
        tiers:
          hot: { keep: 1d }
          warm: { after: 1d, rollups: [1h] }
          cold: { after: 2d, rollups: [1d], raw: none }
        """
                        .formatted(db))));
    InfluxClient client = new InfluxClient(InfluxConnection.of(influx.url()));
    Ledger ledger = new Ledger(new LocalLakeStore(new LakeLocation.Local(temp.resolve("lake"))));
    ExportJob.builder(policies.policies().get(0), client, ledger)
        .stagingDir(temp.resolve("tmp"))
        .clock(clock)
        .retries(1, Duration.ofMillis(1))
        .build()
        .runDue()
        .orElseThrow();
    // Tier splits fall on whole spans, so a span's raw windows go together; a policy change can
    // still
    // leave a day's rollup over raw windows of which only some were dropped. That state, made here:
    // March 3 gets a day rollup (its statistics are what is checked; it is not read) and loses the
    // raw
    // points and hourly rollups of its first six hours.
    Resolution day = Resolution.parse("1d");
    WindowVersion model = ledger.windows(db, "cpu", day).get(0);
    long dayStart = Instant.parse("2025-03-03T00:00:00Z").toEpochMilli() * 1_000_000L;
    ledger.commit(
        new WindowVersion(
            model.format(),
            db,
            "cpu",
            model.resolution(),
            dayStart,
            dayStart + 86_400_000_000_000L,
            1,
            model.committedAt(),
            false,
            model.files(),
            model.rows(),
            dayStart,
            dayStart,
            model.schema(),
            model.precision(),
            false));
    List<WindowVersion> droppedRaw = new ArrayList<>();
    List<WindowVersion> tombstones = new ArrayList<>();
    for (var r : List.of(Resolution.RAW, Resolution.parse("1h"))) {
      for (WindowVersion w : ledger.windows(db, "cpu", r)) {
        if (w.windowStart() >= dayStart && w.windowStart() < dayStart + 6 * 3_600_000_000_000L) {
          if (r == Resolution.RAW) {
            droppedRaw.add(w);
            tombstones.add(
                ledger.commit(
                    w.next(List.of(), true, now))); // its files kept for the 6-hour window below
          } else {
            ledger.delete(w, now);
          }
        }
      }
    }
    SqlEngine engine =
        new SqlEngine(new FederationCatalog(client, ledger, policies, clock, Duration.ZERO));
    String table = "\"" + db + "\".cpu";
    TidewaterException e =
        assertThrows(
            TidewaterException.class,
            () ->
                Rows.of(
                    engine,
                    "SELECT COUNT(*) FROM "
                        + table
                        + " WHERE \"time\" >= TIMESTAMP '2025-03-03 00:00:00' AND \"time\" < TIMESTAMP '2025-03-04 00:00:00'"));
    assertEquals(ErrorCode.UNSUPPORTED, e.code());
    assertTrue(
        e.getMessage().contains("2025-03-03T00:00:00Z")
            && e.getMessage().contains("no longer kept"),
        e.getMessage());
    // Where the day's raw points are still kept, raw reads answer.
    assertEquals(
        List.of(List.of(6L * 60)),
        Rows.of(
            engine,
            "SELECT COUNT(*) FROM "
                + table
                + " WHERE \"time\" >= TIMESTAMP '2025-03-03 18:00:00' AND \"time\" < TIMESTAMP '2025-03-04 00:00:00'"));
    // Raw points written there again in a window of another size (a policy's window changed) are
    // read: the dropped hourly windows are covered by a kept one (the first hour's next version).
    WindowVersion first = droppedRaw.get(0);
    ledger.commit(
        new WindowVersion(
            first.format(),
            db,
            "cpu",
            first.resolution(),
            dayStart,
            dayStart + 6 * 3_600_000_000_000L,
            tombstones.get(0).version() + 1,
            first.committedAt(),
            false,
            droppedRaw.stream().flatMap(w -> w.files().stream()).toList(),
            droppedRaw.stream().mapToLong(WindowVersion::rows).sum(),
            first.minTime(),
            droppedRaw.get(droppedRaw.size() - 1).maxTime(),
            first.schema(),
            first.precision(),
            false));
    SqlEngine rewritten =
        new SqlEngine(new FederationCatalog(client, ledger, policies, clock, Duration.ZERO));
    assertEquals(
        List.of(List.of(24L * 60)),
        Rows.of(
            rewritten,
            "SELECT COUNT(*) FROM "
                + table
                + " WHERE \"time\" >= TIMESTAMP '2025-03-03 00:00:00' AND \"time\" < TIMESTAMP '2025-03-04 00:00:00'"));
  }
}
