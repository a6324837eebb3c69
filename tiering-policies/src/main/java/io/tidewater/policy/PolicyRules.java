package io.tidewater.policy;

import static io.tidewater.policy.Durations.format;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The rules a single policy must follow, in one place: {@link TieringPolicy}'s constructor enforces
 * them and {@link PolicyParser} reports them at the line of the field they name.
 */
public final class PolicyRules {

  /** Policy names appear in URLs ({@code /v1/jobs/{name}}) and lake lease names. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  private static final Duration DAY = Duration.ofDays(1);

  private PolicyRules() {}

  /** Every rule {@code policy}'s parts break; empty when it is valid. */
  public static List<FieldProblem> check(
      String name, Duration window, Duration settle, Tiers tiers, LakeOptions lake) {
    List<FieldProblem> problems = new ArrayList<>();
    if (!NAME.matcher(name).matches()) {
      problems.add(
          new FieldProblem(
              "name",
              "'"
                  + name
                  + "' is not a valid policy name; use lower-case letters,"
                  + " digits, '-' and '_' (at most 63, starting with a letter or digit)"));
    }
    if (window.isZero() || !Durations.divides(window, DAY)) {
      problems.add(
          new FieldProblem(
              "window",
              format(window)
                  + " does not divide a day; use a window such as"
                  + " 1m, 5m, 15m, 1h, 6h or 1d so windows align with day partitions"));
    }
    checkTiers(tiers, problems);
    if (window.plus(settle).compareTo(tiers.hotKeep()) >= 0) {
      problems.add(
          new FieldProblem(
              "settle",
              "window plus settle ("
                  + format(window.plus(settle))
                  + ") must be shorter than tiers.hot.keep ("
                  + format(tiers.hotKeep())
                  + "), or data leaves InfluxDB before its window is exported"));
    }
    Set<String> tags = new HashSet<>();
    for (String tag : lake.tagPartitions()) {
      if (tag.isEmpty() || !tags.add(tag)) {
        problems.add(
            new FieldProblem(
                "lake.tags-as-partitions",
                tag.isEmpty()
                    ? "a tag name cannot be empty"
                    : "tag '" + tag + "' is listed twice"));
      }
    }
    return problems;
  }

  private static void checkTiers(Tiers tiers, List<FieldProblem> problems) {
    if (tiers.hotKeep().isZero()) {
      problems.add(new FieldProblem("tiers.hot.keep", "must be longer than zero"));
    }
    List<LakeTier> lake = tiers.lakeTiers();
    if (lake.isEmpty()) {
      problems.add(
          new FieldProblem(
              "tiers", "a policy needs a warm or a cold tier, or it moves nothing to the lake"));
      return;
    }
    LakeTier first = lake.get(0);
    if (first.after().isZero()) {
      problems.add(new FieldProblem(field(first, "after"), "must be longer than zero"));
    } else if (first.after().compareTo(tiers.hotKeep()) > 0) {
      problems.add(
          new FieldProblem(
              field(first, "after"),
              format(first.after())
                  + " is later than tiers.hot.keep ("
                  + format(tiers.hotKeep())
                  + "): data aged in between would be in no tier"));
    }
    if (lake.size() == 2) {
      LakeTier warm = lake.get(0);
      LakeTier cold = lake.get(1);
      if (cold.after().compareTo(warm.after()) <= 0) {
        problems.add(
            new FieldProblem(
                "tiers.cold.after",
                format(cold.after())
                    + " overlaps the warm tier: cold must start after tiers.warm.after ("
                    + format(warm.after())
                    + ")"));
      }
      if (warm.raw().isEmpty() && cold.raw().isPresent()) {
        problems.add(
            new FieldProblem(
                "tiers.cold.raw",
                "full resolution dropped in the warm tier (raw: none)"
                    + " cannot be kept in the cold tier; use raw: none here too"));
      }
    }
    tiers
        .expireAfter()
        .ifPresent(
            expire -> {
              LakeTier last = lake.get(lake.size() - 1);
              if (expire.compareTo(last.after()) <= 0) {
                problems.add(
                    new FieldProblem(
                        "tiers.expire.after",
                        format(expire)
                            + " overlaps the "
                            + last.tier().key()
                            + " tier: expiry must come after "
                            + field(last, "after")
                            + " ("
                            + format(last.after())
                            + ")"));
              } else if (expire.compareTo(tiers.hotKeep()) < 0) {
                problems.add(
                    new FieldProblem(
                        "tiers.expire.after",
                        format(expire)
                            + " is earlier than tiers.hot.keep ("
                            + format(tiers.hotKeep())
                            + ")"));
              }
            });
    checkRollups(lake, problems);
  }

  /** Rollups re-aggregate exactly only when each resolution divides the next coarser one. */
  private static void checkRollups(List<LakeTier> lake, List<FieldProblem> problems) {
    TreeMap<Resolution, LakeTier> all = new TreeMap<>();
    for (LakeTier tier : lake) {
      Set<Resolution> seen = new HashSet<>();
      for (Resolution r : tier.rollups()) {
        if (!seen.add(r)) {
          problems.add(new FieldProblem(field(tier, "rollups"), r + " is listed twice"));
        }
        all.putIfAbsent(r, tier);
      }
    }
    Optional<Resolution> finer = Optional.empty();
    for (var entry : all.entrySet()) {
      Resolution coarser = entry.getKey();
      if (finer.isPresent() && !Durations.divides(finer.get().width(), coarser.width())) {
        problems.add(
            new FieldProblem(
                field(entry.getValue(), "rollups"),
                "rollup "
                    + coarser
                    + " is not a multiple of the finer rollup "
                    + finer.get()
                    + ", so it cannot be computed from it exactly"));
      }
      finer = Optional.of(coarser);
    }
  }

  private static String field(LakeTier tier, String key) {
    return "tiers." + tier.tier().key() + "." + key;
  }
}
