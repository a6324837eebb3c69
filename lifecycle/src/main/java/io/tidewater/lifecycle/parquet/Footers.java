package io.tidewater.lifecycle.parquet;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;

/**
 * Parsed footers of lake files, shared by every reader in the process. A lake object never changes
 * once written (a new version is a new object) and its ETag names its content, so a footer read
 * once serves every later scan of it; reading and parsing it was most of the work of a query
 * over a day of hourly windows. Bounded by column chunks (each a few hundred bytes in memory).
 */
final class Footers {

  /** A file's footer with what Tidewater's metadata in it says: its columns and time unit. */
  record Footer(ParquetMetadata metadata, MeasurementSchema schema, long unitNanos) {}

  static final long MAX_COLUMN_CHUNKS = 200_000;

  private static final Cache<String, Footer> CACHE = Caffeine.newBuilder()
      .maximumWeight(MAX_COLUMN_CHUNKS)
      .<String, Footer>weigher((key, f) -> 1 + f.metadata().getBlocks().stream().mapToInt(b -> b.getColumns().size()).sum())
      .build();

  private Footers() {}

  static Footer get(String contentKey) {
    return CACHE.getIfPresent(contentKey);
  }

  static void put(String contentKey, Footer footer) {
    CACHE.put(contentKey, footer);
  }
}
