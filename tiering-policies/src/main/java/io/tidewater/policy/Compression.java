package io.tidewater.policy;

/** Parquet compression codec of lake files; zstd unless a policy says otherwise. */
public enum Compression implements PolicyKeyword {
  ZSTD,
  SNAPPY,
  GZIP,
  LZ4,
  NONE
}
