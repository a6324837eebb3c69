package io.tidewater.lifecycle.parquet;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The encodings a file's sample chose for a column, remembered per measurement and column for the
 * next files: a column's values keep their character from one window to the next, and sampling
 * every file (sorting a sample, compressing it twice) cost a fifth of writing a window of a few
 * thousand rows. A column is sampled again at every {@link #RESAMPLE_EVERY}th file, and at once for
 * a file with more values than the remembered sample had. Only sizes depend on the choice, never
 * what a file holds. One per writer of a lake (a measurement of another lake may differ); safe for
 * concurrent writers.
 */
public final class EncodingChoices {

  static final int RESAMPLE_EVERY = 32;

  /** Columns remembered at most (all are forgotten past it: a rare reset, not a leak). */
  private static final int MAX_COLUMNS = 10_000;

  /** What a sample of {@code sampled} values chose. */
  record Choice(boolean dictionary, boolean byteStreamSplit, int sampled) {}

  private record Remembered(Choice choice, AtomicInteger uses) {}

  private final Map<String, Remembered> columns = new ConcurrentHashMap<>();

  /**
   * The remembered choice for {@code column} if it still holds for a file offering {@code values}
   * values to sample, else null (sample the file, then {@link #remember}).
   */
  Choice recall(String column, int values) {
    Remembered r = columns.get(column);
    if (r == null
        || values > r.choice().sampled()
        || r.uses().incrementAndGet() % RESAMPLE_EVERY == 0) {
      return null;
    }
    return r.choice();
  }

  void remember(String column, Choice choice) {
    if (columns.size() >= MAX_COLUMNS) {
      columns.clear();
    }
    columns.put(column, new Remembered(choice, new AtomicInteger()));
  }
}
