package io.tidewater.federation.lake;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tidewater.federation.TimeRange;
import io.tidewater.federation.plan.ScanColumn;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Answers of lake scans that aggregate or take a top-N (computed whole; up to a tenth of a budget
 * of a million values each, unused ones dropped after the lake TTL), reused until the ledger
 * version of a window they read changes (an export commit, a re-export, a tier move or a deletion
 * each write a new version): a federated query whose result expired because InfluxDB answered part
 * of it reads only InfluxDB again. Raw scans are streamed and not kept.
 */
public final class LakeParts {

  /** Keeps nothing. */
  public static final LakeParts OFF = new LakeParts(0, Duration.ZERO);

  /** Values (rows times columns) kept over all parts: a few dozen MB at most. */
  private static final long VALUES_KEPT = 1_000_000;

  /**
   * A scan as planned (without its table object, which each planning makes anew) and the windows it
   * reads.
   */
  private record Key(
      Ledger ledger,
      List<String> table,
      TimeRange range,
      Map<String, Set<String>> tagValues,
      List<ScanColumn> columns,
      boolean aggregated,
      long bucketMillis,
      List<String> groupTags,
      boolean descending,
      long limit,
      List<Long> windowVersions) {}

  private final int maxRowsPerPart;
  private final Cache<Key, List<Object[]>> answers;
  private final LongAdder hits = new LongAdder();

  /** Keeps answers of at most {@code maxRowsPerPart} rows for at most {@code idle} unused. */
  public LakeParts(int maxRowsPerPart, Duration idle) {
    this.maxRowsPerPart = maxRowsPerPart;
    this.answers =
        Caffeine.newBuilder()
            .maximumWeight(maxRowsPerPart == 0 ? 0 : VALUES_KEPT)
            .<Key, List<Object[]>>weigher(
                (k, rows) -> Math.max(1, rows.size() * Math.max(1, k.columns().size())))
            .expireAfterAccess(idle.isZero() ? Duration.ofNanos(1) : idle)
            .build();
  }

  /**
   * The answer of {@code query} over {@code windows} (those it reads): kept, or computed by {@code
   * compute} and kept.
   */
  List<Object[]> answer(
      LakeQuery query, List<WindowVersion> windows, Supplier<List<Object[]>> compute) {
    if (maxRowsPerPart == 0) {
      return compute.get();
    }
    List<Long> versions = new ArrayList<>(windows.size() * 2);
    for (WindowVersion w : windows) {
      versions.add(w.windowStart());
      versions.add(w.version());
    }
    Key key =
        new Key(
            query.table().ledger(),
            query.tableName(),
            query.range(),
            query.tagValues(),
            query.columns(),
            query.aggregated(),
            query.bucketMillis(),
            query.groupTags(),
            query.descending(),
            query.limit(),
            versions);
    List<Object[]> kept = answers.getIfPresent(key);
    if (kept != null) {
      hits.increment();
      return kept;
    }
    List<Object[]> rows = List.copyOf(compute.get());
    // A part of a tenth of the budget or more would push out many others.
    if (rows.size() <= maxRowsPerPart
        && (long) rows.size() * Math.max(1, key.columns().size()) <= VALUES_KEPT / 10) {
      answers.put(key, rows);
    }
    return rows;
  }

  /** How many lake scans were answered from kept parts. */
  public long hits() {
    return hits.sum();
  }
}
