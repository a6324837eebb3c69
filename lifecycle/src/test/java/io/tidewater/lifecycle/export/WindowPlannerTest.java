package io.tidewater.lifecycle.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tidewater.lifecycle.export.WindowPlanner.Held;
import io.tidewater.lifecycle.export.WindowPlanner.Mode;
import io.tidewater.policy.PolicyParser;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The export's decisions per window, without servers: every tier of a policy (hot with full
 * resolution, warm with full resolution and a rollup finer than a window, cold with only a rollup
 * coarser than one, expired) crossed with the run's mode, what the ledger holds, and whether
 * InfluxDB deletes exported points.
 */
class WindowPlannerTest {

  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  static TieringPolicy policy(boolean deleteFromHot) {
    return new PolicyParser()
        .parse(
            "p.yaml",
            """
        name: p
        source: { database: db, measurements: [cpu] }
        window: 1h
        tiers:
          hot: { keep: 7d }
          warm: { after: 7d, rollups: [1m] }
          cold: { after: 30d, rollups: [1d], raw: none }
          expire: { after: 365d }
        delete-from-hot-after-export: %s
        """
                .formatted(deleteFromHot))
        .get(0);
  }

  /**
   * What the ledger holds: "-" nothing, else resolutions joined by '+', e.g. "raw+1m"; a rollup of
   * 1d at its span's start.
   */
  static Held held(String window, String what) {
    Map<Resolution, Set<Instant>> starts = new HashMap<>();
    if (!what.equals("-")) {
      Instant start = Instant.parse(window);
      for (String r : what.split("\\+")) {
        Resolution res = r.equals("raw") ? Resolution.RAW : Resolution.parse(r);
        Instant at =
            res.isRaw()
                ? start
                : Instant.ofEpochMilli(
                    start.toEpochMilli()
                        - Math.floorMod(start.toEpochMilli(), res.width().toMillis()));
        starts.computeIfAbsent(res, k -> new HashSet<>()).add(at);
      }
    }
    return new Held(starts);
  }

  @ParameterizedTest(name = "{0} in mode {1}, held {2}, delete-from-hot {3}: {4}")
  @CsvSource({
    // hot: full resolution only
    "2025-05-31T00:00:00Z, DUE,      -,      false, EXPORT",
    "2025-05-31T00:00:00Z, DUE,      raw,    false, HELD",
    "2025-05-31T00:00:00Z, DUE,      raw,    true,  HELD",
    "2025-05-31T00:00:00Z, BACKFILL, -,      true,  EXPORT",
    "2025-05-31T00:00:00Z, REEXPORT, -,      true,  EXPORT",
    // the last hot window (starts at the hot boundary) is never deleted from InfluxDB
    "2025-05-25T12:00:00Z, REEXPORT, -,      true,  EXPORT",
    "2025-05-25T12:00:00Z, BACKFILL, -,      true,  EXPORT",
    // warm: full resolution and 1m rollups, both written with the window
    "2025-05-24T11:00:00Z, DUE,      -,      false, EXPORT",
    "2025-05-24T11:00:00Z, DUE,      raw,    false, EXPORT",
    "2025-05-24T11:00:00Z, DUE,      raw+1m, false, HELD",
    "2025-05-24T11:00:00Z, DUE,      -,      true,  EXPORT",
    "2025-05-24T11:00:00Z, DUE,      raw+1m, true,  HELD",
    "2025-05-24T11:00:00Z, BACKFILL, -,      false, EXPORT",
    "2025-05-24T11:00:00Z, BACKFILL, -,      true,  HOT_DELETED",
    "2025-05-24T11:00:00Z, REEXPORT, -,      false, EXPORT",
    "2025-05-24T11:00:00Z, REEXPORT, -,      true,  HOT_DELETED",
    // past InfluxDB's hot keep but before the lake's warm boundary (tier splits are aligned to a
    // day, the coarsest rollup): the lake keeps it as hot (full resolution only)
    "2025-05-25T11:00:00Z, DUE,      raw,    false, HELD",
    "2025-05-25T11:00:00Z, REEXPORT, -,      false, EXPORT",
    "2025-05-25T11:00:00Z, REEXPORT, -,      true,  HOT_DELETED",
    // cold: only daily rollups, rebuilt per span of windows
    "2025-04-01T05:00:00Z, DUE,      -,      false, EXPORT_SPAN",
    "2025-04-01T05:00:00Z, DUE,      1d,     false, HELD",
    "2025-04-01T05:00:00Z, DUE,      1d,     true,  HELD",
    "2025-04-01T05:00:00Z, BACKFILL, -,      false, EXPORT_SPAN",
    "2025-04-01T05:00:00Z, BACKFILL, -,      true,  EXPORT_SPAN",
    "2025-04-01T05:00:00Z, REEXPORT, -,      false, EXPORT_SPAN",
    "2025-04-01T05:00:00Z, REEXPORT, -,      true,  HOT_DELETED",
    // expired: the lake keeps nothing, whatever else holds
    "2024-01-01T00:00:00Z, DUE,      -,      false, EXPIRED",
    "2024-01-01T00:00:00Z, DUE,      raw,    false, EXPIRED",
    "2024-01-01T00:00:00Z, BACKFILL, -,      true,  EXPIRED",
    "2024-01-01T00:00:00Z, REEXPORT, -,      true,  EXPIRED",
  })
  void decides(
      String start, Mode mode, String held, boolean deleteFromHot, WindowDecision expected) {
    Instant s = Instant.parse(start);
    Window w = new Window(s, s.plus(Duration.ofHours(1)));
    assertEquals(
        expected, new WindowPlanner(policy(deleteFromHot)).decide(w, NOW, mode, held(start, held)));
  }

  @Test
  void aWindowHeldAtAnotherResolutionOnlyIsNotHeld() {
    Instant s = Instant.parse("2025-04-01T05:00:00Z");
    Window w = new Window(s, s.plus(Duration.ofHours(1)));
    // the cold tier keeps daily rollups: the window's own full resolution does not count
    assertEquals(
        WindowDecision.EXPORT_SPAN,
        new WindowPlanner(policy(false))
            .decide(w, NOW, Mode.DUE, held("2025-04-01T05:00:00Z", "raw")));
  }
}
