package io.tidewater.lifecycle.parquet;

import io.tidewater.policy.Compression;
import io.tidewater.policy.LakeOptions;
import io.tidewater.policy.TimestampPrecision;

/**
 * How lake files are written.
 *
 * @param rowGroupBytes row group size: large enough that a scan is a few big ranged reads on object
 *     storage
 * @param pageBytes data page size: small enough that the page index prunes finely
 */
public record WriteOptions(
    Compression compression, TimestampPrecision precision, long rowGroupBytes, int pageBytes) {

  public static final WriteOptions DEFAULTS =
      new WriteOptions(Compression.ZSTD, TimestampPrecision.MICROS, 64L << 20, 1 << 20);

  public static WriteOptions of(LakeOptions lake) {
    return new WriteOptions(
        lake.compression(), lake.timestampPrecision(), DEFAULTS.rowGroupBytes, DEFAULTS.pageBytes);
  }
}
