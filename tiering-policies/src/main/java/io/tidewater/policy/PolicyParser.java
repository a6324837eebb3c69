package io.tidewater.policy;

import io.tidewater.policy.YamlFields.Fields;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Parses policy YAML (one policy per document; several documents per file separated by {@code ---})
 * into {@link TieringPolicy} records. Every problem in a file is reported together, each with its
 * file, line, column and field; nothing is returned unless all of it is valid.
 */
public final class PolicyParser {

  static final List<String> TOP =
      List.of(
          "name",
          "source",
          "window",
          "settle",
          "tiers",
          "lake",
          "schedule",
          "delete-from-hot-after-export",
          "micro-batch");
  static final List<String> SOURCE = List.of("database", "retention-policy", "measurements");
  static final List<String> TIERS = List.of("hot", "warm", "cold", "expire");
  static final List<String> HOT = List.of("keep");
  static final List<String> LAKE_TIER = List.of("after", "rollups", "raw");
  static final List<String> EXPIRE = List.of("after");
  static final List<String> MICRO_BATCH = List.of("max-points", "max-delay");
  static final List<String> LAKE =
      List.of("partition-by", "tags-as-partitions", "compression", "timestamp-precision");

  /** Defaults when a policy leaves them out. */
  public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);

  public static final Duration DEFAULT_SETTLE = Duration.ofMinutes(5);

  /** Parses a policy file. */
  public List<TieringPolicy> parse(Path file) {
    return parseLocated(file).stream().map(Located::policy).toList();
  }

  /** Parses policy YAML; {@code origin} names it in messages (usually the file name). */
  public List<TieringPolicy> parse(String origin, String yaml) {
    List<Located> located = parseLocated(origin, yaml);
    return located.stream().map(Located::policy).toList();
  }

  /** A parsed policy with the positions of its fields, for checks across policies. */
  record Located(TieringPolicy policy, YamlFields fields) {}

  List<Located> parseLocated(Path file) {
    try {
      return parseLocated(
          file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read policy file " + file, e);
    }
  }

  List<Located> parseLocated(String origin, String yaml) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(true); // reported by YamlFields with their line instead
    options.setMaxAliasesForCollections(20);
    List<PolicyProblem> problems = new ArrayList<>();
    List<Located> policies = new ArrayList<>();
    try {
      for (Node document : new Yaml(options).composeAll(new StringReader(yaml))) {
        if (document == null) {
          continue;
        }
        YamlFields fields = new YamlFields(origin, document);
        document(fields, document).ifPresent(p -> policies.add(new Located(p, fields)));
        problems.addAll(fields.problems());
      }
    } catch (MarkedYAMLException e) {
      Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      problems.add(
          new PolicyProblem(
              origin,
              at == null ? 1 : at.getLine() + 1,
              at == null ? 1 : at.getColumn() + 1,
              "",
              "not valid YAML: " + e.getProblem()));
    } catch (YAMLException e) {
      problems.add(new PolicyProblem(origin, 1, 1, "", "not valid YAML: " + e.getMessage()));
    }
    if (policies.isEmpty() && problems.isEmpty()) {
      problems.add(new PolicyProblem(origin, 1, 1, "", "holds no policy"));
    }
    if (!problems.isEmpty()) {
      throw new PolicyException(problems);
    }
    return policies;
  }

  private Optional<TieringPolicy> document(YamlFields yaml, Node document) {
    Optional<Fields> top =
        yaml.mapping(document, "", TOP, "{ name: ..., source: ..., tiers: ... }");
    if (top.isEmpty()) {
      return Optional.empty();
    }
    Fields f = top.get();
    Optional<String> name =
        f.requiredScalar("name", "the policy's name, e.g. telegraf-cpu", String::strip);
    Optional<Source> source =
        f.required("source", "database and measurements to export").flatMap(n -> source(yaml, n));
    Optional<Duration> window =
        f.scalar("window", PolicyParser::age).or(() -> Optional.of(DEFAULT_WINDOW));
    Optional<Duration> settle =
        f.scalar("settle", PolicyParser::age).or(() -> Optional.of(DEFAULT_SETTLE));
    Optional<Tiers> tiers =
        f.required("tiers", "at least hot and a warm or cold tier").flatMap(n -> tiers(yaml, n));
    Optional<LakeOptions> lake =
        f.optional("lake").map(n -> lake(yaml, n)).orElse(Optional.of(LakeOptions.DEFAULTS));
    Optional<Schedule> schedule =
        f.scalar("schedule", Schedule::new).or(() -> Optional.of(Schedule.DEFAULT));
    boolean delete = f.bool("delete-from-hot-after-export").orElse(false);
    Optional<Optional<MicroBatch>> microBatch =
        f.optional("micro-batch")
            .map(n -> microBatch(yaml, n, window.orElse(DEFAULT_WINDOW)).map(Optional::of))
            .orElse(Optional.of(Optional.empty()));
    if (!yaml.problems().isEmpty()
        || name.isEmpty()
        || source.isEmpty()
        || window.isEmpty()
        || settle.isEmpty()
        || tiers.isEmpty()
        || lake.isEmpty()
        || schedule.isEmpty()
        || microBatch.isEmpty()) {
      return Optional.empty();
    }
    List<FieldProblem> broken =
        PolicyRules.check(name.get(), window.get(), settle.get(), tiers.get(), lake.get());
    if (!broken.isEmpty()) {
      broken.forEach(yaml::problem);
      return Optional.empty();
    }
    return Optional.of(
        new TieringPolicy(
            name.get(),
            source.get(),
            window.get(),
            settle.get(),
            tiers.get(),
            lake.get(),
            schedule.get(),
            delete,
            microBatch.get(),
            yaml.origin()));
  }

  private static Optional<MicroBatch> microBatch(YamlFields yaml, Node node, Duration window) {
    return yaml.mapping(node, "micro-batch", MICRO_BATCH, "{ max-points: 10000, max-delay: 5s }")
        .flatMap(
            f -> {
              Optional<Integer> points =
                  f.scalar(
                      "max-points",
                      text -> {
                        int n;
                        try {
                          n = Integer.parseInt(text.strip());
                        } catch (NumberFormatException e) {
                          throw new IllegalArgumentException(
                              "expected a whole number of points, found '" + text + "'");
                        }
                        if (n < 1 || n > MicroBatch.MAX_POINTS_LIMIT) {
                          throw new IllegalArgumentException(
                              "must be between 1 and "
                                  + MicroBatch.MAX_POINTS_LIMIT
                                  + ", got "
                                  + n);
                        }
                        return n;
                      });
              Optional<Duration> delay =
                  f.scalar(
                      "max-delay",
                      text -> {
                        Duration d = age(text);
                        if (d.isZero()) {
                          throw new IllegalArgumentException("must be positive");
                        }
                        if (d.compareTo(window) >= 0) {
                          throw new IllegalArgumentException(
                              Durations.format(d)
                                  + " is not shorter than the window ("
                                  + Durations.format(window)
                                  + "): the window would be exported before its batch");
                        }
                        return d;
                      });
              if (problemIn(f, points, "max-points") || problemIn(f, delay, "max-delay")) {
                return Optional.empty();
              }
              return Optional.of(
                  new MicroBatch(
                      points.orElse(MicroBatch.DEFAULT_MAX_POINTS),
                      delay.orElse(MicroBatch.DEFAULT_MAX_DELAY)));
            });
  }

  private static Optional<Source> source(YamlFields yaml, Node node) {
    return yaml.mapping(node, "source", SOURCE, "{ database: telegraf, measurements: [cpu] }")
        .flatMap(
            f -> {
              Optional<String> db =
                  f.requiredScalar("database", "the InfluxDB database", PolicyParser::nonEmpty);
              Optional<String> rp = f.scalar("retention-policy", PolicyParser::nonEmpty);
              Optional<List<MeasurementMatcher>> ms =
                  f.requiredList(
                      "measurements",
                      "names, or /regular expressions/ matching whole names",
                      PolicyParser::measurement);
              if (ms.isPresent() && ms.get().isEmpty()) {
                yaml.problem(node.getStartMark(), "source.measurements", "lists no measurement");
                return Optional.empty();
              }
              return db.isPresent() && ms.isPresent()
                  ? Optional.of(new Source(db.get(), rp, ms.get()))
                  : Optional.empty();
            });
  }

  private static MeasurementMatcher measurement(String text) {
    if (text.length() >= 2 && text.startsWith("/") && text.endsWith("/")) {
      try {
        return MeasurementMatcher.regex(text.substring(1, text.length() - 1));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "'"
                + text
                + "' is not a valid regular expression: "
                + e.getDescription()
                + " near index "
                + e.getIndex());
      }
    }
    return MeasurementMatcher.exact(nonEmpty(text));
  }

  private static Optional<Tiers> tiers(YamlFields yaml, Node node) {
    return yaml.mapping(
            node, "tiers", TIERS, "{ hot: { keep: 90d }, warm: { after: 90d, rollups: [1m] } }")
        .flatMap(
            f -> {
              Optional<Duration> keep =
                  f.required("hot", "how long InfluxDB keeps data, e.g. { keep: 90d }")
                      .flatMap(n -> yaml.mapping(n, "tiers.hot", HOT, "{ keep: 90d }"))
                      .flatMap(
                          hot ->
                              hot.requiredScalar(
                                  "keep",
                                  "how long InfluxDB keeps data, e.g. 90d",
                                  PolicyParser::age));
              Optional<StorageClass> standard = Optional.of(StorageClass.STANDARD);
              Optional<Optional<LakeTier>> warm = lakeTier(yaml, f, Tier.WARM, standard);
              // Cold keeps full resolution where warm kept it unless it says otherwise.
              Optional<Optional<LakeTier>> cold =
                  lakeTier(
                      yaml, f, Tier.COLD, warm.flatMap(w -> w).map(LakeTier::raw).orElse(standard));
              Optional<Optional<Duration>> expire =
                  present(
                      f.optional("expire")
                          .map(
                              n ->
                                  yaml.mapping(n, "tiers.expire", EXPIRE, "{ after: 5y }")
                                      .flatMap(
                                          e ->
                                              e.requiredScalar(
                                                  "after",
                                                  "the age at which data is deleted everywhere",
                                                  PolicyParser::age))));
              if (keep.isEmpty() || warm.isEmpty() || cold.isEmpty() || expire.isEmpty()) {
                return Optional.empty();
              }
              return Optional.of(new Tiers(keep.get(), warm.get(), cold.get(), expire.get()));
            });
  }

  /** Empty on a problem; present-but-empty when the tier is not configured. */
  private static Optional<Optional<LakeTier>> lakeTier(
      YamlFields yaml, Fields tiers, Tier tier, Optional<StorageClass> defaultRaw) {
    String path = "tiers." + tier.key();
    return present(
        tiers
            .optional(tier.key())
            .map(
                n ->
                    yaml.mapping(n, path, LAKE_TIER, "{ after: 90d, rollups: [1m], raw: standard }")
                        .flatMap(
                            f -> {
                              Optional<Duration> after =
                                  f.requiredScalar(
                                      "after",
                                      "the age at which data enters this tier, e.g. 90d",
                                      PolicyParser::age);
                              Optional<List<Resolution>> rollups =
                                  f.list("rollups", PolicyParser::rollup)
                                      .or(() -> Optional.of(List.of()));
                              Optional<Optional<StorageClass>> raw =
                                  f.has("raw")
                                      ? f.scalar("raw", PolicyParser::rawPlacement)
                                      : Optional.of(defaultRaw);
                              if (after.isEmpty() || rollups.isEmpty() || raw.isEmpty()) {
                                return Optional.empty();
                              }
                              return Optional.of(
                                  new LakeTier(tier, after.get(), rollups.get(), raw.get()));
                            })));
  }

  /** Turns "absent" into present-empty and "present but broken" into empty. */
  private static <T> Optional<Optional<T>> present(Optional<Optional<T>> parsed) {
    return parsed.isEmpty() ? Optional.of(Optional.empty()) : parsed.get().map(Optional::of);
  }

  private static Optional<StorageClass> rawPlacement(String text) {
    if (text.strip().equalsIgnoreCase("none")) {
      return Optional.empty();
    }
    return Optional.of(
        YamlFields.keyword(StorageClass.class, "a storage class (or none to drop full resolution)")
            .apply(text));
  }

  private static Resolution rollup(String text) {
    Duration width = Durations.parse(text);
    if (width.isZero() || !Durations.divides(width, Duration.ofDays(1))) {
      throw new IllegalArgumentException(
          "rollup "
              + text
              + " does not divide a day; use a resolution such as"
              + " 1m, 5m, 1h or 1d so buckets align with days");
    }
    return Resolution.rollup(width);
  }

  private static Optional<LakeOptions> lake(YamlFields yaml, Node node) {
    return yaml.mapping(node, "lake", LAKE, "{ partition-by: day, compression: zstd }")
        .flatMap(
            f -> {
              LakeOptions d = LakeOptions.DEFAULTS;
              Optional<List<PartitionGranularity>> by =
                  f.list(
                      "partition-by",
                      YamlFields.keyword(PartitionGranularity.class, "a partition unit"));
              if (by.isPresent() && by.get().size() != 1) {
                yaml.problem(
                    node.getStartMark(), "lake.partition-by", "give one unit: day or hour");
                return Optional.empty();
              }
              Optional<List<String>> tags = f.list("tags-as-partitions", PolicyParser::nonEmpty);
              Optional<Compression> codec =
                  f.scalar(
                      "compression", YamlFields.keyword(Compression.class, "a compression codec"));
              Optional<TimestampPrecision> precision =
                  f.scalar(
                      "timestamp-precision",
                      YamlFields.keyword(TimestampPrecision.class, "a timestamp precision"));
              if (problemIn(f, by, "partition-by")
                  || problemIn(f, tags, "tags-as-partitions")
                  || problemIn(f, codec, "compression")
                  || problemIn(f, precision, "timestamp-precision")) {
                return Optional.empty();
              }
              return Optional.of(
                  new LakeOptions(
                      by.map(l -> l.get(0)).orElse(d.partitionBy()),
                      tags.orElse(d.tagPartitions()),
                      codec.orElse(d.compression()),
                      precision.orElse(d.timestampPrecision())));
            });
  }

  /** Whether a written field failed to parse (absent fields take defaults). */
  private static boolean problemIn(Fields f, Optional<?> parsed, String key) {
    return parsed.isEmpty() && f.has(key);
  }

  private static Duration age(String text) {
    if (text.strip().startsWith("-")) {
      throw new IllegalArgumentException(
          "'" + text + "' is negative; ages and durations cannot be");
    }
    return Durations.parse(text);
  }

  private static String nonEmpty(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("cannot be blank");
    }
    return text;
  }
}
