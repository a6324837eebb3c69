package io.tidewater.policy;

/**
 * How expensive to keep and to read lake files are, independent of the store. Stores map them: S3
 * STANDARD / STANDARD_IA / GLACIER_IR / DEEP_ARCHIVE; Azure Hot / Cool / Cold / Archive.
 */
public enum StorageClass implements PolicyKeyword {
  STANDARD,
  COOL,
  COLD,
  /** Not readable without a restore; queries never read it. */
  ARCHIVE
}
