package io.tidewater.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Named.named;

import io.tidewater.error.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyParserTest {

  /** A valid policy; each error case below changes one thing in it. Line numbers matter. */
  static final String VALID =
      """
      name: telegraf-cpu
      source:
        database: telegraf
        retention-policy: autogen
        measurements: [cpu, /disk.*/]
      window: 1h
      settle: 5m
      tiers:
        hot: { keep: 90d }
        warm: { after: 90d, rollups: [1m], raw: standard }
        cold: { after: 365d, rollups: [1h], raw: cool }
        expire: { after: 5y }
      lake:
        partition-by: day
        tags-as-partitions: [region]
        compression: zstd
        timestamp-precision: micros
      schedule: "0 0/15 * * * ?"
      delete-from-hot-after-export: false
      """;

  private final PolicyParser parser = new PolicyParser();

  @Test
  void parsesEveryField() {
    TieringPolicy p = parser.parse("cpu.yaml", VALID).get(0);
    assertEquals("telegraf-cpu", p.name());
    assertEquals("telegraf", p.source().database());
    assertEquals(Optional.of("autogen"), p.source().retentionPolicy());
    assertEquals(
        List.of(MeasurementMatcher.exact("cpu"), MeasurementMatcher.regex("disk.*")),
        p.source().measurements());
    assertEquals(Duration.ofHours(1), p.window());
    assertEquals(Duration.ofMinutes(5), p.settle());
    assertEquals(Duration.ofDays(90), p.tiers().hotKeep());
    LakeTier warm = p.tiers().warm().orElseThrow();
    assertEquals(
        new LakeTier(
            Tier.WARM,
            Duration.ofDays(90),
            List.of(Resolution.rollup(Duration.ofMinutes(1))),
            Optional.of(StorageClass.STANDARD)),
        warm);
    LakeTier cold = p.tiers().cold().orElseThrow();
    assertEquals(
        new LakeTier(
            Tier.COLD,
            Duration.ofDays(365),
            List.of(Resolution.rollup(Duration.ofHours(1))),
            Optional.of(StorageClass.COOL)),
        cold);
    assertEquals(Optional.of(Duration.ofDays(5 * 365)), p.tiers().expireAfter());
    assertEquals(
        new LakeOptions(
            PartitionGranularity.DAY,
            List.of("region"),
            Compression.ZSTD,
            TimestampPrecision.MICROS),
        p.lake());
    assertEquals("0 0/15 * * * ?", p.schedule().cron());
    assertEquals(false, p.deleteFromHotAfterExport());
    assertEquals("cpu.yaml", p.origin());
  }

  @Test
  void leavesOutOptionalFieldsForDefaults() {
    TieringPolicy p =
        parser
            .parse(
                "min.yaml",
                """
        name: minimal
        source: { database: db, measurements: m }
        tiers:
          hot: { keep: 30d }
          cold: { after: 30d, rollups: 1h }
        """)
            .get(0);
    assertEquals(PolicyParser.DEFAULT_WINDOW, p.window());
    assertEquals(PolicyParser.DEFAULT_SETTLE, p.settle());
    assertEquals(Optional.empty(), p.source().retentionPolicy());
    assertEquals(Optional.of(StorageClass.STANDARD), p.tiers().cold().orElseThrow().raw());
    assertEquals(LakeOptions.DEFAULTS, p.lake());
    assertEquals(Schedule.DEFAULT, p.schedule());
    assertEquals(Optional.empty(), p.tiers().expireAfter());
    assertEquals(Optional.empty(), p.microBatch());
  }

  @Test
  void microBatchesTakeTheirLimitsOrDefaults() {
    assertEquals(
        Optional.of(new MicroBatch(500, Duration.ofSeconds(2))),
        parser
            .parse("p.yaml", VALID + "micro-batch: { max-points: 500, max-delay: 2s }\n")
            .get(0)
            .microBatch());
    assertEquals(
        Optional.of(new MicroBatch(MicroBatch.DEFAULT_MAX_POINTS, MicroBatch.DEFAULT_MAX_DELAY)),
        parser.parse("p.yaml", VALID + "micro-batch: {}\n").get(0).microBatch());
  }

  @Test
  void coldKeepsFullResolutionWhereWarmDidUnlessToldOtherwise() {
    TieringPolicy dropped =
        parser
            .parse(
                "p.yaml",
                VALID.replace("raw: standard }", "raw: none }").replace(", raw: cool }", " }"))
            .get(0);
    assertEquals(Optional.empty(), dropped.tiers().warm().orElseThrow().raw());
    assertEquals(Optional.empty(), dropped.tiers().cold().orElseThrow().raw());
  }

  @Test
  void readsSeveralPoliciesFromOneFile() {
    List<TieringPolicy> policies =
        parser.parse(
            "two.yaml",
            VALID
                + "---\n"
                + VALID
                    .replace("name: telegraf-cpu", "name: other")
                    .replace("database: telegraf", "database: other"));
    assertEquals(
        List.of("telegraf-cpu", "other"), policies.stream().map(TieringPolicy::name).toList());
  }

  @Test
  void theExamplePoliciesOfTheRepositoryLoad() {
    PolicySet set = PolicySet.load(Path.of("..", "policies"));
    assertEquals(
        List.of("factory-sensors", "telegraf-cpu"),
        set.policies().stream().map(TieringPolicy::name).toList());
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        error(
            "unknown top-level field, with a suggestion",
            VALID + "windw: 2h\n",
            "p.yaml:20:1: windw: unknown field (did you mean 'window'?); allowed at the top: name, source, window,"
                + " settle, tiers, lake, schedule, delete-from-hot-after-export, micro-batch"),
        error(
            "micro-batch delay as long as the window",
            VALID + "micro-batch: { max-delay: 1h }\n",
            "p.yaml:20:27: micro-batch.max-delay: 1h is not shorter than the window (1h): the window would be"
                + " exported before its batch"),
        error(
            "micro-batch of no points",
            VALID + "micro-batch: { max-points: 0 }\n",
            "p.yaml:20:28: micro-batch.max-points: must be between 1 and 1000000, got 0"),
        error(
            "micro-batch size that is not a number",
            VALID + "micro-batch: { max-points: lots }\n",
            "p.yaml:20:28: micro-batch.max-points: expected a whole number of points, found 'lots'"),
        error(
            "micro-batch with an unknown field",
            VALID + "micro-batch: { max-pionts: 10 }\n",
            "p.yaml:20:16: micro-batch.max-pionts: unknown field (did you mean 'max-points'?); allowed in micro-batch:"
                + " max-points, max-delay"),
        error(
            "unknown nested field",
            VALID.replace("rollups: [1m]", "rolups: [1m]"),
            "p.yaml:10:23: tiers.warm.rolups: unknown field (did you mean 'rollups'?); allowed in tiers.warm: after, rollups, raw"),
        error(
            "negative age",
            VALID.replace("warm: { after: 90d", "warm: { after: -5d"),
            "p.yaml:10:18: tiers.warm.after: '-5d' is negative; ages and durations cannot be"),
        error(
            "duration without a unit",
            VALID.replace("window: 1h", "window: 60"),
            "p.yaml:6:9: window: '60' is not a duration; use " + Durations.SYNTAX),
        error(
            "cold overlapping warm",
            VALID.replace("after: 365d", "after: 60d"),
            "p.yaml:11:18: tiers.cold.after: 60d overlaps the warm tier: cold must start after tiers.warm.after (90d)"),
        error(
            "expiry overlapping cold",
            VALID.replace("after: 5y", "after: 300d"),
            "p.yaml:12:20: tiers.expire.after: 300d overlaps the cold tier: expiry must come after tiers.cold.after (365d)"),
        error(
            "gap between hot and warm",
            VALID.replace("keep: 90d", "keep: 30d"),
            "p.yaml:10:18: tiers.warm.after: 90d is later than tiers.hot.keep (30d): data aged in between would be in no tier"),
        error(
            "rollup that does not divide the next coarser one",
            VALID.replace("rollups: [1h]", "rollups: [90s]"),
            "p.yaml:11:33: tiers.cold.rollups: rollup 1m30s is not a multiple of the finer rollup 1m,"
                + " so it cannot be computed from it exactly"),
        error(
            "rollup that does not divide a day",
            VALID.replace("rollups: [1m]", "rollups: [7m]"),
            "p.yaml:10:33: tiers.warm.rollups: rollup 7m does not divide a day; use a resolution such as 1m, 5m, 1h or 1d"
                + " so buckets align with days"),
        error(
            "window that does not divide a day",
            VALID.replace("window: 1h", "window: 7h"),
            "p.yaml:6:9: window: 7h does not divide a day; use a window such as 1m, 5m, 15m, 1h, 6h or 1d so windows align"
                + " with day partitions"),
        error(
            "cron that does not parse",
            VALID.replace("\"0 0/15 * * * ?\"", "every hour"),
            "p.yaml:18:11: schedule: 'every hour' is not a Quartz cron expression (seconds minutes hours day-of-month month"
                + " day-of-week, e.g. \"0 0/15 * * * ?\"): Cron expression contains 2 parts but we expect one of [6, 7]"),
        error(
            "missing required field",
            VALID.replace("  database: telegraf\n", ""),
            "p.yaml:3:3: source.database: is required (the InfluxDB database)"),
        error(
            "unknown codec",
            VALID.replace("compression: zstd", "compression: brotli"),
            "p.yaml:16:16: lake.compression: 'brotli' is not a compression codec; use one of zstd, snappy, gzip, lz4, none"),
        error(
            "unknown storage class",
            VALID.replace("raw: cool", "raw: glacier"),
            "p.yaml:11:44: tiers.cold.raw: 'glacier' is not a storage class (or none to drop full resolution);"
                + " use one of standard, cool, cold, archive"),
        error(
            "full resolution dropped in warm but kept in cold",
            VALID.replace("raw: standard", "raw: none"),
            "p.yaml:11:44: tiers.cold.raw: full resolution dropped in the warm tier (raw: none) cannot be kept in the"
                + " cold tier; use raw: none here too"),
        error(
            "invalid measurement regex",
            VALID.replace("/disk.*/", "/disk(/"),
            "p.yaml:5:23: source.measurements: '/disk(/' is not a valid regular expression: Unclosed group near index 5"),
        error(
            "a list where a mapping belongs",
            VALID
                .replace("  hot: { keep: 90d }\n", "")
                .replace("tiers:\n", "tiers: [hot]\n")
                .replace(
                    "  warm: { after: 90d, rollups: [1m], raw: standard }\n  cold: { after: 365d, rollups: [1h], raw: cool }\n  expire: { after: 5y }\n",
                    ""),
            "p.yaml:8:8: tiers: expected a mapping like { hot: { keep: 90d }, warm: { after: 90d, rollups: [1m] } }, found a list"),
        error(
            "empty value",
            VALID.replace("window: 1h", "window:"),
            "p.yaml:6:8: window: is empty; give a value or leave the field out"),
        error(
            "field given twice",
            VALID.replace("settle: 5m", "settle: 5m\nsettle: 10m"),
            "p.yaml:8:1: settle: given twice"),
        error(
            "not a boolean",
            VALID.replace("export: false", "export: maybe"),
            "p.yaml:19:31: delete-from-hot-after-export: expected true or false, found 'maybe'"),
        error(
            "settle so long data leaves InfluxDB first",
            VALID.replace("settle: 5m", "settle: 90d"),
            "p.yaml:7:9: settle: window plus settle (90d1h) must be shorter than tiers.hot.keep (90d), or data leaves"
                + " InfluxDB before its window is exported"),
        error(
            "no lake tier",
            VALID.replace(
                "  warm: { after: 90d, rollups: [1m], raw: standard }\n  cold: { after: 365d, rollups: [1h], raw: cool }\n",
                ""),
            "p.yaml:9:3: tiers: a policy needs a warm or a cold tier, or it moves nothing to the lake"),
        error(
            "bad policy name",
            VALID.replace("name: telegraf-cpu", "name: Telegraf CPU"),
            "p.yaml:1:7: name: 'Telegraf CPU' is not a valid policy name; use lower-case letters, digits, '-' and '_'"
                + " (at most 63, starting with a letter or digit)"),
        error(
            "not YAML at all",
            "name: [unclosed\n",
            "p.yaml:2:1: not valid YAML: expected ',' or ']', but got <stream end>"));
  }

  private static Arguments error(String name, String yaml, String message) {
    return Arguments.of(named(name, yaml), message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void rejectsBadInputNamingFileLineAndField(String yaml, String message) {
    PolicyException e = assertThrows(PolicyException.class, () -> parser.parse("p.yaml", yaml));
    assertEquals(message, e.getMessage());
    assertEquals(ErrorCode.INVALID_POLICY, e.code());
  }

  @Test
  void reportsEveryProblemOfAFileTogether() {
    PolicyException parse =
        assertThrows(
            PolicyException.class,
            () ->
                parser.parse(
                    "p.yaml",
                    VALID
                        .replace("window: 1h", "window: 60")
                        .replace("compression: zstd", "compression: brotli")));
    assertEquals(
        List.of(6, 16),
        parse.problems().stream().map(PolicyProblem::line).sorted().toList(),
        parse.getMessage());
    // Rules across fields are checked once every field parses, and all of them are reported.
    PolicyException rules =
        assertThrows(
            PolicyException.class,
            () ->
                parser.parse(
                    "p.yaml",
                    VALID
                        .replace("window: 1h", "window: 7h")
                        .replace("after: 365d", "after: 60d")));
    assertEquals(
        List.of(6, 11),
        rules.problems().stream().map(PolicyProblem::line).sorted().toList(),
        rules.getMessage());
  }
}
