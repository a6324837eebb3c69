package io.tidewater.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Named.named;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TierLadderTest {

  /**
   * hot 90d; warm from 90d: raw standard + 1m; cold from 365d: raw cool + 1h; expire 5y; window 1h.
   */
  static final TieringPolicy CPU =
      new PolicyParser().parse("cpu.yaml", PolicyParserTest.VALID).get(0);

  static final TierLadder LADDER = CPU.ladder();
  static final Instant NOW = Instant.parse("2025-06-01T12:30:00Z");

  private static final Resolution M1 = Resolution.rollup(Duration.ofMinutes(1));
  private static final Resolution H1 = Resolution.rollup(Duration.ofHours(1));

  private static Instant t(String s) {
    return Instant.parse(s);
  }

  @Test
  void boundariesFallOnTheTierGrid() {
    assertEquals(Duration.ofHours(1), LADDER.unit());
    assertEquals(
        new TierBoundaries(
            t("2025-03-03T12:00:00Z"),
            Optional.of(t("2025-03-03T12:00:00Z")),
            Optional.of(t("2024-06-01T12:00:00Z")),
            Optional.of(t("2020-06-02T12:00:00Z"))),
        LADDER.boundaries(NOW));
  }

  static Stream<Arguments> tiers() {
    return Stream.of(
        Arguments.of(named("future data is hot", "2025-06-02T00:00:00Z"), Tier.HOT),
        Arguments.of(named("just written", "2025-06-01T12:29:00Z"), Tier.HOT),
        Arguments.of(
            named("exactly at the warm boundary: still hot", "2025-03-03T12:00:00Z"), Tier.HOT),
        Arguments.of(
            named("a nanosecond older: warm", "2025-03-03T11:59:59.999999999Z"), Tier.WARM),
        Arguments.of(
            named("exactly at the cold boundary: still warm", "2024-06-01T12:00:00Z"), Tier.WARM),
        Arguments.of(
            named("a nanosecond older: cold", "2024-06-01T11:59:59.999999999Z"), Tier.COLD),
        Arguments.of(named("across the 2024 leap day: cold", "2024-02-29T12:00:00Z"), Tier.COLD),
        Arguments.of(named("exactly at expiry: still cold", "2020-06-02T12:00:00Z"), Tier.COLD),
        Arguments.of(
            named("a nanosecond older: expired", "2020-06-02T11:59:59.999999999Z"), Tier.EXPIRED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tiers")
  void tierOfATimestamp(String at, Tier expected) {
    assertEquals(expected, LADDER.tierAt(t(at), NOW));
  }

  @Test
  void aYearIs365DaysSoLeapYearsShiftTheBoundary() {
    Instant now = t("2024-03-01T00:00:00Z");
    assertEquals(Tier.WARM, LADDER.tierAt(t("2023-03-02T00:00:00Z"), now));
    assertEquals(Tier.COLD, LADDER.tierAt(t("2023-03-01T23:59:59Z"), now));
  }

  @Test
  void whatTheLakeHoldsPerTier() {
    assertEquals(
        new Placement(Tier.HOT, Optional.of(StorageClass.STANDARD), List.of()),
        LADDER.placementAt(t("2025-05-01T00:00:00Z"), NOW));
    assertEquals(
        new Placement(Tier.WARM, Optional.of(StorageClass.STANDARD), List.of(M1)),
        LADDER.placementAt(t("2025-01-01T00:00:00Z"), NOW));
    assertEquals(
        new Placement(Tier.COLD, Optional.of(StorageClass.COOL), List.of(H1)),
        LADDER.placementAt(t("2023-01-01T00:00:00Z"), NOW));
    assertEquals(
        List.of(Resolution.RAW, H1), LADDER.placementAt(t("2023-01-01T00:00:00Z"), NOW).readable());
    assertEquals(List.of(), LADDER.placementAt(t("2019-01-01T00:00:00Z"), NOW).readable());
  }

  @Test
  void hotKeepSaysWhatInfluxDbHolds() {
    TierBoundaries b = LADDER.boundaries(NOW);
    assertEquals(true, b.inInfluxDb(t("2025-03-03T12:00:00Z")));
    assertEquals(false, b.inInfluxDb(t("2025-03-03T11:59:59Z")));
  }

  private static final Instant YEAR_AGO = t("2024-05-01T00:00:00Z");
  private static final Instant TODAY = t("2025-06-01T00:00:00Z");
  private static final Instant COLD_WARM = t("2024-06-01T12:00:00Z");
  private static final Instant WARM_HOT = t("2025-03-03T12:00:00Z");

  private static TierSpan span(Tier tier, Instant from, Instant to, Resolution r) {
    return new TierSpan(tier, from, to, Optional.ofNullable(r));
  }

  static Stream<Arguments> resolutions() {
    return Stream.of(
        Arguments.of(
            named("hourly buckets: 1h rollups cold, 1m warm, raw hot", YEAR_AGO),
            TODAY,
            Optional.of(Bucketing.of(Duration.ofHours(1))),
            List.of(
                span(Tier.COLD, YEAR_AGO, COLD_WARM, H1),
                span(Tier.WARM, COLD_WARM, WARM_HOT, M1),
                span(Tier.HOT, WARM_HOT, TODAY, Resolution.RAW))),
        Arguments.of(
            named("daily buckets compose hourly ones", YEAR_AGO),
            COLD_WARM,
            Optional.of(Bucketing.of(Duration.ofDays(1))),
            List.of(span(Tier.COLD, YEAR_AGO, COLD_WARM, H1))),
        Arguments.of(
            named("5-minute buckets: cold 1h does not compose them, raw answers", YEAR_AGO),
            COLD_WARM,
            Optional.of(Bucketing.of(Duration.ofMinutes(5))),
            List.of(span(Tier.COLD, YEAR_AGO, COLD_WARM, Resolution.RAW))),
        Arguments.of(
            named("no buckets: raw", YEAR_AGO),
            WARM_HOT,
            Optional.empty(),
            List.of(
                span(Tier.COLD, YEAR_AGO, COLD_WARM, Resolution.RAW),
                span(Tier.WARM, COLD_WARM, WARM_HOT, Resolution.RAW))),
        Arguments.of(
            named(
                "range starting off the hour: 1h rollups would cut a bucket",
                t("2024-05-01T00:30:00Z")),
            COLD_WARM,
            Optional.of(Bucketing.of(Duration.ofHours(1))),
            List.of(span(Tier.COLD, t("2024-05-01T00:30:00Z"), COLD_WARM, Resolution.RAW))),
        Arguments.of(
            named("bucket origin off the hour: 1m rollups still compose", COLD_WARM),
            WARM_HOT,
            Optional.of(new Bucketing(Duration.ofHours(1), t("1970-01-01T00:30:00Z"))),
            List.of(span(Tier.WARM, COLD_WARM, WARM_HOT, M1))),
        Arguments.of(
            named("expired data: nothing answers", t("2019-01-01T00:00:00Z")),
            t("2019-02-01T00:00:00Z"),
            Optional.of(Bucketing.of(Duration.ofHours(1))),
            List.of(
                span(Tier.EXPIRED, t("2019-01-01T00:00:00Z"), t("2019-02-01T00:00:00Z"), null))),
        Arguments.of(named("empty range", TODAY), TODAY, Optional.empty(), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("resolutions")
  void resolutionThatAnswersAQueryExactly(
      Instant from, Instant to, Optional<Bucketing> bucketing, List<TierSpan> expected) {
    assertEquals(expected, LADDER.spans(from, to, bucketing, NOW));
  }

  @Test
  void archivedFullResolutionIsNotReadable() {
    TieringPolicy factory =
        PolicySet.load(Path.of("..", "policies")).byName("factory-sensors").orElseThrow();
    TierLadder ladder = factory.ladder();
    assertEquals(Duration.ofDays(1), ladder.unit());
    Instant now = t("2025-06-01T12:30:00Z");
    Instant from = t("2024-01-01T00:00:00Z");
    Instant to = t("2024-02-01T00:00:00Z");
    assertEquals(
        List.of(span(Tier.COLD, from, to, null)),
        ladder.spans(from, to, Optional.of(Bucketing.of(Duration.ofHours(1))), now),
        "1h buckets: only 1d rollups exist");
    assertEquals(
        List.of(span(Tier.COLD, from, to, Resolution.rollup(Duration.ofDays(1)))),
        ladder.spans(from, to, Optional.of(Bucketing.of(Duration.ofDays(7))), now));
  }
}
