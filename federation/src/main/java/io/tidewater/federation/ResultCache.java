package io.tidewater.federation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tidewater.federation.route.Route;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Results of recent queries, keyed by their normalized plan (the physical plan with each part's
 * place, resolved time range and pushed-down query, and the result's column names: SQL texts
 * planned alike share a result) and checked against what they were computed from
 * (docs/architecture.md, queries): an entry holds only while the routes and columns of every table
 * it read are unchanged, it was not invalidated by a change to one of its measurements (export
 * commits, tier moves, CDC), and it is younger than its time to live: short when InfluxDB answered
 * part of it, long when only the lake did (lake windows change only through the ledger). Queries
 * reading the last minutes before now, or asking for the current time, are never cached.
 */
public final class ResultCache {

  /**
   * Sizes and ages of the cache: at most {@code maxEntries} results and {@code maxBytes} of them
   * (rows weighed by their estimated heap size).
   */
  public record Settings(
      int maxEntries,
      int maxRowsPerEntry,
      Duration influxTtl,
      Duration lakeTtl,
      Duration freshMargin,
      long maxBytes) {

    /** The default byte budget: results are small; many rows are bounded by it, not by count. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    public Settings(
        int maxEntries,
        int maxRowsPerEntry,
        Duration influxTtl,
        Duration lakeTtl,
        Duration freshMargin) {
      this(maxEntries, maxRowsPerEntry, influxTtl, lakeTtl, freshMargin, DEFAULT_MAX_BYTES);
    }

    public static final Settings DEFAULT =
        new Settings(
            1000, 10_000, Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofMinutes(5));
    public static final Settings OFF =
        new Settings(0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO);
  }

  /**
   * A table a cached result read, the routes and columns it had then, and the time ranges read from
   * the lake.
   */
  record Read(
      String database,
      String measurement,
      List<Route> routes,
      MeasurementSchema schema,
      List<TimeRange> lakeRanges) {

    boolean readLake(TimeRange changed) {
      return lakeRanges.stream().anyMatch(r -> r.from() < changed.to() && changed.from() < r.to());
    }
  }

  /**
   * A result and what it was computed from, including each measurement's change count when it
   * started.
   */
  record Entry(
      List<SqlColumn> columns,
      List<Object[]> rows,
      List<Read> reads,
      long expiresAtNanos,
      List<Long> generations) {}

  private final ConcurrentHashMap<String, AtomicLong> generations = new ConcurrentHashMap<>();

  /** How often a measurement was invalidated: a result computed across a change is not kept. */
  long generation(String database, String measurement) {
    return generations
        .computeIfAbsent(database + "\u0000" + measurement, k -> new AtomicLong())
        .get();
  }

  private final Settings settings;
  private final Cache<String, Entry> entries;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  public ResultCache(Settings settings) {
    this.settings = settings;
    this.entries =
        Caffeine.newBuilder()
            .executor(Runnable::run) // evictions done by the caller: the bound holds at once
            // Each entry weighs at least its share of the budget, so both bounds hold: at most
            // maxBytes in all and at most maxEntries entries.
            .maximumWeight(settings.maxEntries() == 0 ? 0 : settings.maxBytes())
            .<String, Entry>weigher(
                (key, e) ->
                    (int)
                        Math.min(
                            Integer.MAX_VALUE,
                            Math.max(
                                2L * key.length() + bytes(e.rows()),
                                settings.maxBytes() / Math.max(1, settings.maxEntries()))))
            .expireAfterWrite(
                settings.lakeTtl().isZero() ? Duration.ofNanos(1) : settings.lakeTtl())
            .build();
  }

  public Settings settings() {
    return settings;
  }

  /** The rows' estimated heap size (see {@link RowBytes}). */
  static long bytes(List<Object[]> rows) {
    long bytes = 16;
    for (Object[] row : rows) {
      bytes += RowBytes.of(row);
    }
    return bytes;
  }

  /** A result still valid for the plan {@code planKey}, if there is one (counted as a hit). */
  Entry get(String planKey, FederationCatalog catalog) {
    Entry e = entries.getIfPresent(planKey);
    if (e != null && System.nanoTime() - e.expiresAtNanos() < 0 && readsUnchanged(e, catalog)) {
      hits.increment();
      return e;
    }
    if (e != null) {
      entries.invalidate(planKey);
    }
    return null;
  }

  /** Counts a cacheable query that found no result to reuse. */
  void missed() {
    misses.increment();
  }

  void put(String planKey, Entry entry) {
    for (int i = 0; i < entry.reads().size(); i++) {
      Read r = entry.reads().get(i);
      if (generation(r.database(), r.measurement()) != entry.generations().get(i)) {
        return; // the data changed while the query ran
      }
    }
    entries.put(planKey, entry);
  }

  /** Forgets every result that read a measurement (its lake windows or routes changed). */
  public void invalidate(String database, String measurement) {
    generations
        .computeIfAbsent(database + "\u0000" + measurement, k -> new AtomicLong())
        .incrementAndGet();
    entries
        .asMap()
        .values()
        .removeIf(
            e ->
                e.reads().stream()
                    .anyMatch(
                        r -> r.database().equals(database) && r.measurement().equals(measurement)));
  }

  /**
   * Forgets the results that read {@code changed} of a measurement from the lake (a window was
   * committed there). Results that read the measurement only elsewhere in time, or only from
   * InfluxDB, stay: the commit changed none of their rows, and if it moved the split between the
   * lake and InfluxDB their routes no longer match and they are dropped when next asked for.
   */
  public void invalidate(String database, String measurement, TimeRange changed) {
    generations
        .computeIfAbsent(database + "\u0000" + measurement, k -> new AtomicLong())
        .incrementAndGet();
    entries
        .asMap()
        .values()
        .removeIf(
            e ->
                e.reads().stream()
                    .anyMatch(
                        r ->
                            r.database().equals(database)
                                && r.measurement().equals(measurement)
                                && r.readLake(changed)));
  }

  public void invalidateAll() {
    entries.invalidateAll();
  }

  public long hits() {
    return hits.sum();
  }

  public long misses() {
    return misses.sum();
  }

  public long size() {
    entries.cleanUp(); // pending evictions done, so the size is within the bounds
    return entries.estimatedSize();
  }

  /** Whether SQL asks for the time at which it runs (its result changes by itself). */
  static boolean asksForNow(String sql) {
    return contains(sql, "CURRENT_") || contains(sql, "LOCALTIME") || contains(sql, "NOW(");
  }

  /** Whether {@code text} holds {@code word} in any case, without copying {@code text}. */
  private static boolean contains(String text, String word) {
    for (int i = 0; i + word.length() <= text.length(); i++) {
      if (text.regionMatches(true, i, word, 0, word.length())) {
        return true;
      }
    }
    return false;
  }

  private static boolean readsUnchanged(Entry e, FederationCatalog catalog) {
    for (Read r : e.reads()) {
      // Columns too: a plan made while InfluxDB did not answer knew only the lake's.
      if (!catalog.routes(r.database(), r.measurement()).equals(r.routes())
          || !catalog.schema(r.database(), r.measurement()).equals(r.schema())) {
        return false;
      }
    }
    return true;
  }
}
