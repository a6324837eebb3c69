package io.tidewater.federation;

/** A row's estimated heap size: its array, references, and boxed values or strings. */
public final class RowBytes {

  private RowBytes() {}

  /** The estimate for one row of values as the engine hands them out. */
  public static long of(Object[] row) {
    long bytes = 24 + 8L * row.length;
    for (Object v : row) {
      bytes += v == null ? 0 : v instanceof String str ? 40 + 2L * str.length() : 24;
    }
    return bytes;
  }
}
