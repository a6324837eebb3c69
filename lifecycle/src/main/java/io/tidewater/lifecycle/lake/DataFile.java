package io.tidewater.lifecycle.lake;

import io.tidewater.policy.StorageClass;
import java.util.Objects;

/**
 * One data file of a window version, as the ledger records it: the ETag detects the file being
 * replaced under a reader; times are epoch nanoseconds, inclusive; the storage class it was last
 * put in (null in entries written before classes were recorded: standard).
 */
public record DataFile(
    String key,
    long size,
    String etag,
    long rows,
    int series,
    long minTime,
    long maxTime,
    StorageClass storageClass) {
  public DataFile {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(etag, "etag");
    if (storageClass == null) {
      storageClass = StorageClass.STANDARD;
    }
  }

  /** The same file after a change of storage class (which may change its ETag). */
  public DataFile withStorageClass(StorageClass newClass, String newEtag) {
    return new DataFile(key, size, newEtag, rows, series, minTime, maxTime, newClass);
  }
}
