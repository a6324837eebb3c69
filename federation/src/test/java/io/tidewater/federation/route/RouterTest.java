package io.tidewater.federation.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tidewater.federation.TimeRange;
import io.tidewater.policy.Durations;
import io.tidewater.policy.PolicyParser;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The routed time line: the lake before the split except dirty windows, InfluxDB after; each
 * instant in exactly one part.
 */
class RouterTest {

  static final Instant NOW = Instant.parse("2025-06-01T00:30:00Z");
  static final Optional<TieringPolicy> POLICY =
      Optional.of(
          new PolicyParser()
              .parse(
                  "p.yaml",
                  """
      name: p
      source: { database: db, measurements: [cpu] }
      window: 1h
      tiers:
        hot: { keep: 1d }
        warm: { after: 1d }
      """)
              .get(0));
  static final Optional<Instant> THROUGH = Optional.of(Instant.parse("2025-06-01T00:00:00Z"));
  static final long SPLIT = ns("2025-05-31T00:00:00Z");

  static long ns(String t) {
    return Durations.epochNanos(Instant.parse(t));
  }

  static long ns(Optional<Instant> t) {
    return Durations.epochNanos(t.orElseThrow());
  }

  static Window hour(String start) {
    Instant s = Instant.parse(start);
    return new Window(s, s.plusSeconds(3600));
  }

  static Route lake(long from, long to) {
    return new Route(Place.LAKE, new TimeRange(from, to));
  }

  static Route influx(long from, long to) {
    return new Route(Place.INFLUXDB, new TimeRange(from, to));
  }

  @Test
  void withoutDirtyWindowsTheLakeAnswersBeforeTheSplit() {
    assertEquals(
        List.of(
            lake(Long.MIN_VALUE, SPLIT),
            new Route(
                Place.INFLUXDB,
                new TimeRange(SPLIT, Long.MAX_VALUE),
                List.of(new TimeRange(SPLIT, ns(THROUGH))))),
        Router.routes(POLICY, THROUGH, List.of(), NOW),
        "exported but hot: InfluxDB's, the lake holds it too");
    assertEquals(
        List.of(influx(Long.MIN_VALUE, Long.MAX_VALUE)),
        Router.routes(POLICY, Optional.empty(), List.of(), NOW),
        "nothing exported yet");
  }

  @Test
  void dirtyWindowsGoToInfluxDbAndAdjacentPartsJoin() {
    assertEquals(
        List.of(
            lake(Long.MIN_VALUE, ns("2025-05-30T10:00:00Z")),
            influx(
                ns("2025-05-30T10:00:00Z"),
                ns("2025-05-30T12:00:00Z")), // two dirty hours in a row: one part
            lake(ns("2025-05-30T12:00:00Z"), ns("2025-05-30T23:00:00Z")),
            // the last lake hour joins the hot part; the dirty hot hour splits what the lake holds
            // too
            new Route(
                Place.INFLUXDB,
                new TimeRange(ns("2025-05-30T23:00:00Z"), Long.MAX_VALUE),
                List.of(
                    new TimeRange(SPLIT, ns("2025-05-31T05:00:00Z")),
                    new TimeRange(ns("2025-05-31T06:00:00Z"), ns(THROUGH))))),
        Router.routes(
            POLICY,
            THROUGH,
            List.of(
                hour("2025-05-30T10:00:00Z"),
                hour("2025-05-30T11:00:00Z"),
                hour("2025-05-30T23:00:00Z"),
                hour("2025-05-31T05:00:00Z")),
            NOW));
  }
}
