package io.tidewater.lifecycle.lake;

import io.tidewater.lifecycle.parquet.EncodingChoices;
import io.tidewater.lifecycle.parquet.FileSummary;
import io.tidewater.lifecycle.parquet.SeriesRows;
import io.tidewater.lifecycle.parquet.TimeSeriesWriter;
import io.tidewater.lifecycle.parquet.WriteOptions;
import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.ObjectInfo;
import io.tidewater.policy.Durations;
import io.tidewater.policy.LakeOptions;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.StorageClass;
import io.tidewater.policy.Window;
import java.nio.file.Path;
import java.time.Clock;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Writes one window of one measurement at one resolution into the lake, in two steps (Iceberg's
 * discipline): {@link #prepare} writes the data files under their deterministic names, each
 * appearing only when complete; {@link PendingCommit#commit} then writes the ledger entry and
 * deletes files the previous version had and this one has not. A crash between the steps of a
 * re-export leaves complete files, the previous ledger entry and a write-intent marker that flags
 * the window as unfinished ({@link Ledger#unfinishedWrites}); the next commit of the window
 * succeeds and clears it. A window's first write has no entry its files could disagree with: a
 * crash leaves it without an entry, so it is redone anyway, and it writes no marker (two fewer
 * synced writes and a listing per window, most of an export's fixed cost per window). Should
 * another writer commit the first version meanwhile (writers of a policy are serialized by its
 * lease, so only a lost lease allows this), the loser's files may have replaced the winner's: it
 * leaves a marker, and the window is redone.
 */
public final class WindowWriter {

  private final Ledger ledger;
  private final Path tempDir;
  private final Clock clock;
  private final Consumer<WindowVersion> onCommit;
  private final EncodingChoices encodings = new EncodingChoices();

  /**
   * Files up to this size are staged in memory (a window's files are mostly far smaller), larger
   * ones in the staging folder: at most twice this much per concurrent write (the buffer and the
   * copy handed to the store), less than the window's rows, which are in memory already (Parquet
   * holds them several times smaller).
   */
  static final int IN_MEMORY_BYTES = 16 << 20;

  public WindowWriter(Ledger ledger, Path tempDir, Clock clock) {
    this(ledger, tempDir, clock, v -> {});
  }

  /** With {@code onCommit} told of every committed version (catalog registration). */
  public WindowWriter(Ledger ledger, Path tempDir, Clock clock, Consumer<WindowVersion> onCommit) {
    this.ledger = ledger;
    this.tempDir = tempDir;
    this.clock = clock;
    this.onCommit = onCommit;
  }

  /** A window version whose files are written but whose ledger entry is not. */
  public final class PendingCommit {
    private final Optional<WindowVersion> base;
    private final WindowVersion next;
    private final String intent;

    private PendingCommit(Optional<WindowVersion> base, WindowVersion next, String intent) {
      this.base = base;
      this.next = next;
      this.intent = intent;
    }

    public WindowVersion version() {
      return next;
    }

    /** Commits; {@link LedgerConflictException} if another writer committed this version first. */
    public WindowVersion commit() {
      WindowVersion committed;
      try {
        committed = ledger.commit(next);
      } catch (LedgerConflictException e) {
        if (intent == null) {
          ledger.beginWrite(
              next.database(),
              next.measurement(),
              Resolution.parse(next.resolution()),
              next.window());
        }
        throw e;
      }
      base.ifPresent(previous -> ledger.deleteReplaced(previous, committed));
      if (intent != null) {
        ledger.endWrite(intent);
      }
      onCommit.accept(committed);
      return committed;
    }
  }

  /**
   * Writes {@code rows} (all inside {@code window}) as the window's files, partitioned by the lake
   * options, in {@code storageClass}; based on the window's newest committed version.
   */
  public PendingCommit prepare(
      String database,
      SeriesRows rows,
      Resolution resolution,
      Window window,
      LakeOptions options,
      StorageClass storageClass) {
    return prepare(database, rows, resolution, window, options, storageClass, false);
  }

  /**
   * Like {@link #prepare(String, SeriesRows, Resolution, Window, LakeOptions, StorageClass)};
   * {@code partial}: a micro-batch's version.
   */
  public PendingCommit prepare(
      String database,
      SeriesRows rows,
      Resolution resolution,
      Window window,
      LakeOptions options,
      StorageClass storageClass,
      boolean partial) {
    Optional<WindowVersion> base =
        ledger.latest(database, rows.schema().measurement(), resolution, window);
    return prepare(database, rows, resolution, window, options, storageClass, partial, base);
  }

  /**
   * Like {@link #prepare(String, SeriesRows, Resolution, Window, LakeOptions, StorageClass)}, based
   * on {@code base}, the window's newest version (deleted or not; empty: none) as the caller listed
   * it, instead of listing the window's ledger folder again. A base that is no longer the newest
   * makes the commit fail as a concurrent writer's would: the window is then redone.
   */
  public PendingCommit prepare(
      String database,
      SeriesRows rows,
      Resolution resolution,
      Window window,
      LakeOptions options,
      StorageClass storageClass,
      Optional<WindowVersion> base) {
    return prepare(database, rows, resolution, window, options, storageClass, false, base);
  }

  private PendingCommit prepare(
      String database,
      SeriesRows rows,
      Resolution resolution,
      Window window,
      LakeOptions options,
      StorageClass storageClass,
      boolean partial,
      Optional<WindowVersion> base) {
    String measurement = rows.schema().measurement();
    long from = Durations.epochNanos(window.start());
    long to = Durations.epochNanos(window.end());
    int[] order = rows.seriesTimeOrder();
    Map<String, List<Integer>> partitions = partition(rows, order, options, from, to, window);
    String prefix = LakeLayout.resolutionPrefix(database, measurement, resolution);
    // Every key first: a name too long for the store refuses the window before anything is written.
    Map<String, String> keys = new HashMap<>();
    for (String partition : partitions.keySet()) {
      keys.put(partition, LakeLayout.dataKey(prefix, partition, window, 0));
    }
    String intent =
        base.isPresent() ? ledger.beginWrite(database, measurement, resolution, window) : null;
    WriteOptions writeOptions = WriteOptions.of(options);
    List<DataFile> files = new ArrayList<>();
    long total = 0;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (Map.Entry<String, List<Integer>> part : partitions.entrySet()) {
      int[] rowsOfPart = part.getValue().stream().mapToInt(Integer::intValue).toArray();
      String key = keys.get(part.getKey());
      DataFile file = writeFile(ledger.store(), key, rows, rowsOfPart, writeOptions, storageClass);
      files.add(file);
      total += file.rows();
      min = Math.min(min, file.minTime());
      max = Math.max(max, file.maxTime());
    }
    WindowVersion next =
        new WindowVersion(
            WindowVersion.FORMAT,
            database,
            measurement,
            resolution.name(),
            from,
            to,
            base.map(v -> v.version() + 1).orElse(1L),
            clock.instant().toString(),
            false,
            files,
            total,
            total == 0 ? 0 : min,
            total == 0 ? 0 : max,
            rows.schema(),
            options.timestampPrecision(),
            partial);
    return new PendingCommit(base, next, intent);
  }

  private static Map<String, List<Integer>> partition(
      SeriesRows rows, int[] order, LakeOptions options, long from, long to, Window window) {
    List<Integer> tagIndexes = new ArrayList<>();
    for (String tag : options.tagPartitions()) {
      tagIndexes.add(
          rows.schema().tagIndex(tag)); // -1: the measurement lacks the tag, so it is NULL
    }
    Map<String, List<Integer>> partitions = new TreeMap<>();
    long unit = options.partitionBy().width().toNanos();
    // Rows come sorted by series then time, so neighbours share a partition: the path is made once
    // per change of time bucket or partition tag values, not once per row.
    long lastBucket = Long.MIN_VALUE;
    String[] lastTags = new String[tagIndexes.size()];
    List<Integer> current = null;
    for (int row : order) {
      long t = rows.timeNanos(row);
      if (t < from || t >= to) {
        throw new IllegalArgumentException(
            "a row at " + Durations.fromEpochNanos(t) + " is outside window " + window);
      }
      long bucket = t - Math.floorMod(t, unit);
      boolean same = current != null && bucket == lastBucket;
      for (int i = 0; i < tagIndexes.size(); i++) {
        int tag = tagIndexes.get(i);
        String value = tag < 0 ? null : rows.tagValueAt(tag, row);
        same &= Objects.equals(value, lastTags[i]);
        lastTags[i] = value;
      }
      if (!same) {
        List<Map.Entry<String, String>> tags = new ArrayList<>();
        for (int i = 0; i < tagIndexes.size(); i++) {
          tags.add(new AbstractMap.SimpleEntry<>(options.tagPartitions().get(i), lastTags[i]));
        }
        current =
            partitions.computeIfAbsent(
                LakeLayout.partitionPath(
                    options.partitionBy(), Durations.fromEpochNanos(bucket), tags),
                k -> new ArrayList<>());
        lastBucket = bucket;
      }
      current.add(row);
    }
    return partitions;
  }

  private DataFile writeFile(
      LakeStore store,
      String key,
      SeriesRows rows,
      int[] order,
      WriteOptions options,
      StorageClass storageClass) {
    try (StagedFile staged = new StagedFile(tempDir, IN_MEMORY_BYTES)) {
      FileSummary summary = TimeSeriesWriter.write(rows, order, staged, options, encodings);
      ObjectInfo info =
          staged.spilled().isPresent()
              ? store.putMoving(key, staged.spilled().get(), storageClass)
              : store.put(key, staged.inMemory().orElseThrow(), storageClass);
      return new DataFile(
          key,
          info.size(),
          info.etag(),
          summary.rows(),
          summary.series(),
          summary.minTime(),
          summary.maxTime(),
          storageClass);
    }
  }
}
