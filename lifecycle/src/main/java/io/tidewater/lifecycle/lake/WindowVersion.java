package io.tidewater.lifecycle.lake;

import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.policy.Durations;
import io.tidewater.policy.TimestampPrecision;
import io.tidewater.policy.Window;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One ledger entry: a committed version of one window of one measurement at one resolution, with
 * its files and statistics. Entries are immutable once written (put-if-absent), so they can be
 * cached forever. A {@code deleted} version records that the window left the lake (expiry).
 *
 * @param windowStart epoch nanoseconds
 * @param windowEnd epoch nanoseconds, exclusive
 * @param minTime epoch nanoseconds of the earliest row (0 when there are no rows)
 * @param partial written by micro-batches from the write targets before the window was due: it
 *     holds only the points the gateway received, and the window still awaits its export (absent in
 *     entries written before micro-batches existed: false)
 */
public record WindowVersion(
    int format,
    String database,
    String measurement,
    String resolution,
    long windowStart,
    long windowEnd,
    long version,
    String committedAt,
    boolean deleted,
    List<DataFile> files,
    long rows,
    long minTime,
    long maxTime,
    MeasurementSchema schema,
    TimestampPrecision precision,
    boolean partial) {

  public static final int FORMAT = 1;

  public WindowVersion {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(measurement, "measurement");
    Objects.requireNonNull(resolution, "resolution");
    files = List.copyOf(files);
    if (version < 1) {
      throw new IllegalArgumentException("versions start at 1");
    }
  }

  public Window window() {
    return new Window(Durations.fromEpochNanos(windowStart), Durations.fromEpochNanos(windowEnd));
  }

  public long bytes() {
    return files.stream().mapToLong(DataFile::size).sum();
  }

  /**
   * The next version of this window: the same statistics with other files, or deleted (no files).
   */
  public WindowVersion next(List<DataFile> newFiles, boolean isDeleted, Instant now) {
    return new WindowVersion(
        FORMAT,
        database,
        measurement,
        resolution,
        windowStart,
        windowEnd,
        version + 1,
        now.toString(),
        isDeleted,
        isDeleted ? List.of() : newFiles,
        isDeleted ? 0 : rows,
        isDeleted ? 0 : minTime,
        isDeleted ? 0 : maxTime,
        schema,
        precision,
        partial);
  }
}
