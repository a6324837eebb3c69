package io.tidewater.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A policy's tier arithmetic at any instant: which tier data belongs to, what the lake holds for
 * it, where tiers split a time range, and which resolution answers a bucketed query exactly.
 *
 * <p>Tier splits fall on multiples of {@link #unit()} (the least common multiple of the window and
 * the coarsest rollup), so every rollup bucket and every window lies wholly in one tier.
 */
public record TierLadder(Tiers tiers, Duration window) {

  private static final Placement HOT =
      new Placement(Tier.HOT, Optional.of(StorageClass.STANDARD), List.of());
  private static final Placement EXPIRED = new Placement(Tier.EXPIRED, Optional.empty(), List.of());

  public TierLadder {
    Objects.requireNonNull(tiers, "tiers");
    Objects.requireNonNull(window, "window");
  }

  /** The grid tier splits fall on. */
  public Duration unit() {
    return tiers.lakeTiers().stream()
        .flatMap(t -> t.rollups().stream())
        .map(Resolution::width)
        .reduce(window, Durations::lcm);
  }

  /** Where the tiers split the time line at {@code now}. */
  public TierBoundaries boundaries(Instant now) {
    Duration unit = unit();
    return new TierBoundaries(
        Durations.floor(now.minus(tiers.hotKeep()), window),
        tiers.warm().map(t -> Durations.floor(now.minus(t.after()), unit)),
        tiers.cold().map(t -> Durations.floor(now.minus(t.after()), unit)),
        tiers.expireAfter().map(a -> Durations.floor(now.minus(a), unit)));
  }

  /** The tier of data at {@code t} at {@code now}. */
  public Tier tierAt(Instant t, Instant now) {
    return boundaries(now).tierAt(t);
  }

  /** What the lake holds for data at {@code t} at {@code now}. */
  public Placement placementAt(Instant t, Instant now) {
    return placement(tierAt(t, now));
  }

  private Placement placement(Tier tier) {
    return switch (tier) {
      case HOT -> HOT;
      case WARM -> tiers.warm().orElseThrow().placement();
      case COLD -> tiers.cold().orElseThrow().placement();
      case EXPIRED -> EXPIRED;
    };
  }

  /**
   * Splits {@code [from, to)} at the tier boundaries of {@code now} and picks for each part the
   * coarsest readable resolution whose buckets compose the query's buckets and align with the
   * part's ends; raw data answers any part where it is readable; no bucketing means raw.
   */
  public List<TierSpan> spans(
      Instant from, Instant to, Optional<Bucketing> bucketing, Instant now) {
    if (!from.isBefore(to)) {
      return List.of();
    }
    TierBoundaries b = boundaries(now);
    List<Instant> cuts = new ArrayList<>();
    cuts.add(from);
    Stream.of(b.expiredBefore(), b.coldBefore(), b.warmBefore())
        .flatMap(Optional::stream)
        .filter(cut -> cut.isAfter(from) && cut.isBefore(to))
        .sorted()
        .distinct()
        .forEach(cuts::add);
    cuts.add(to);
    List<TierSpan> spans = new ArrayList<>();
    for (int i = 0; i + 1 < cuts.size(); i++) {
      Instant start = cuts.get(i);
      Instant end = cuts.get(i + 1);
      Tier tier = b.tierAt(start);
      spans.add(new TierSpan(tier, start, end, answering(placement(tier), start, end, bucketing)));
    }
    return spans;
  }

  private static Optional<Resolution> answering(
      Placement placement, Instant from, Instant to, Optional<Bucketing> bucketing) {
    List<Resolution> readable = placement.readable();
    Optional<Resolution> raw =
        readable.contains(Resolution.RAW) ? Optional.of(Resolution.RAW) : Optional.empty();
    if (bucketing.isEmpty()) {
      return raw;
    }
    Optional<Resolution> rollup =
        readable.stream()
            .filter(r -> bucketing.get().isComposedOf(r))
            .filter(r -> Durations.isAligned(from, r.width()) && Durations.isAligned(to, r.width()))
            .max(Resolution::compareTo);
    return rollup.or(() -> raw);
  }
}
