package io.tidewater.lifecycle.lake;

import java.util.Objects;

/**
 * One data file of a window version, as the ledger records it: the ETag detects the file being
 * replaced under a reader; times are epoch nanoseconds, inclusive.
 */
public record DataFile(String key, long size, String etag, long rows, int series, long minTime, long maxTime) {
  public DataFile {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(etag, "etag");
  }
}
