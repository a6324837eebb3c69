package io.tidewater.lifecycle.parquet;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.function.Supplier;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;

/**
 * Parsed footers of lake files, shared by every reader in the process. A lake object never changes
 * once written (a new version is a new object) and its ETag names its content, so a footer read
 * once serves every later scan of it; reading and parsing it was most of the work of a query over a
 * day of hourly windows. Bounded by column chunks (each a few hundred bytes in memory). The page
 * indexes of the columns a scan prunes by (time, filtered tags) are kept the same way: each is a
 * ranged read of its own (a request to object storage), made by every point query.
 */
final class Footers {

  /** A file's footer with what Tidewater's metadata in it says: its columns and time unit. */
  record Footer(ParquetMetadata metadata, MeasurementSchema schema, long unitNanos) {}

  static final long MAX_COLUMN_CHUNKS = 200_000;

  private static final Cache<String, Footer> CACHE =
      Caffeine.newBuilder()
          .maximumWeight(MAX_COLUMN_CHUNKS)
          .<String, Footer>weigher(
              (key, f) ->
                  1 + f.metadata().getBlocks().stream().mapToInt(b -> b.getColumns().size()).sum())
          .build();

  /** A column chunk's page index; both null when the file has none. */
  record PageIndex(ColumnIndex columns, OffsetIndex offsets) {}

  /**
   * Page indexes held at most, counted in pages (each a min, a max and an offset: tens of bytes).
   */
  static final long MAX_PAGES = 1_000_000;

  private static final Cache<String, PageIndex> PAGE_INDEXES =
      Caffeine.newBuilder()
          .maximumWeight(MAX_PAGES)
          .<String, PageIndex>weigher(
              (key, p) -> 1 + (p.offsets() == null ? 0 : p.offsets().getPageCount()))
          .build();

  private Footers() {}

  /**
   * The page index of column {@code column} of row group {@code rowGroup} of the object version
   * {@code contentKey}, read by {@code read} the first time.
   */
  static PageIndex pageIndex(
      String contentKey, int rowGroup, String column, Supplier<PageIndex> read) {
    return PAGE_INDEXES.get(contentKey + '\n' + rowGroup + '\n' + column, k -> read.get());
  }

  static Footer get(String contentKey) {
    return CACHE.getIfPresent(contentKey);
  }

  static void put(String contentKey, Footer footer) {
    CACHE.put(contentKey, footer);
  }
}
