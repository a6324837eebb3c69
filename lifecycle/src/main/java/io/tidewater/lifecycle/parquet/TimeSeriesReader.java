package io.tidewater.lifecycle.parquet;

import io.tidewater.policy.rollup.FieldType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PrimitiveIterator;
import java.util.Set;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.filter2.columnindex.RowRanges;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveComparator;

/**
 * Reads lake files written by {@link TimeSeriesWriter} into {@link ColumnBatch}es, one row group at
 * a time: only the requested columns are fetched, row groups whose statistics exclude the time
 * range or tag values are skipped unread, so are pages the page index excludes, and pages are
 * decoded straight into the batch's primitive arrays (no object per row). Rows outside the range or
 * tag values are dropped.
 */
public final class TimeSeriesReader implements AutoCloseable {

  private final String name;
  private final ScanSpec spec;
  private final ParquetFileReader reader;
  private final MeasurementSchema fileSchema;
  private final long unitNanos;
  private final List<BlockMetaData> blocks;
  private final ColumnDescriptor timeColumn;
  private final ColumnDescriptor[] tagColumns;
  private final ColumnDescriptor[] fieldColumns;
  private final ColumnChunkDecoder decoder = new ColumnChunkDecoder();
  private final boolean timeRange;

  /** The object version this file is (null when unknown): its page indexes are cached under it. */
  private final String contentKey;

  private final List<BlockMetaData> footerBlocks;
  private int nextBlock;
  private int rowGroupsRead;
  private int rowGroupsSkipped;
  private long pagesPrunedRows;

  private TimeSeriesReader(
      String name,
      ScanSpec spec,
      ParquetFileReader reader,
      Footers.Footer footer,
      String contentKey) {
    this.contentKey = contentKey;
    this.footerBlocks = footer.metadata().getBlocks();
    this.name = name;
    this.spec = spec;
    this.reader = reader;
    this.fileSchema = footer.schema();
    this.unitNanos = footer.unitNanos();
    MessageType parquet = reader.getFileMetaData().getSchema();
    this.timeColumn = parquet.getColumnDescription(new String[] {MeasurementSchema.TIME});
    this.tagColumns = new ColumnDescriptor[spec.tags().size()];
    for (int t = 0; t < tagColumns.length; t++) {
      String tag = spec.tags().get(t);
      tagColumns[t] =
          fileSchema.tagIndex(tag) >= 0 ? parquet.getColumnDescription(new String[] {tag}) : null;
    }
    this.fieldColumns = new ColumnDescriptor[spec.fields().size()];
    for (int f = 0; f < fieldColumns.length; f++) {
      String field = spec.fields().get(f);
      FieldType wanted = spec.schema().field(field).orElseThrow().type();
      var inFile = fileSchema.field(field);
      if (inFile.isPresent() && inFile.get().type() != wanted) {
        throw new SchemaConflictException(
            "field '"
                + field
                + "' of "
                + spec.schema().measurement()
                + " is "
                + inFile.get().type().influxName()
                + " in "
                + name
                + " but "
                + wanted.influxName()
                + " elsewhere");
      }
      fieldColumns[f] =
          inFile.isPresent() ? parquet.getColumnDescription(new String[] {field}) : null;
    }
    List<ColumnDescriptor> requested = new ArrayList<>();
    this.timeRange = spec.fromNanos() != Long.MIN_VALUE || spec.toNanos() != Long.MAX_VALUE;
    if (spec.time() || timeRange) {
      requested.add(timeColumn);
    }
    for (ColumnDescriptor c : tagColumns) {
      if (c != null) {
        requested.add(c);
      }
    }
    for (ColumnDescriptor c : fieldColumns) {
      if (c != null) {
        requested.add(c);
      }
    }
    reader.setRequestedSchema(requested);
    this.blocks = reader.getRowGroups();
  }

  /** Opens {@code file} for {@code spec}; {@code name} identifies it in errors. */
  public static TimeSeriesReader open(InputFile file, String name, ScanSpec spec) {
    try {
      ParquetReadOptions options =
          ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
      Optional<String> contentKey =
          file instanceof StoreInputFile s ? s.contentKey() : Optional.empty();
      Footers.Footer footer = contentKey.map(Footers::get).orElse(null);
      ParquetFileReader reader =
          footer == null
              ? ParquetFileReader.open(file, options)
              : ParquetFileReader.open(file, footer.metadata(), options, file.newStream());
      try {
        if (footer == null) {
          footer = footer(name, reader.getFooter());
          Footers.Footer read = footer;
          contentKey.ifPresent(k -> Footers.put(k, read));
        }
        return new TimeSeriesReader(name, spec, reader, footer, contentKey.orElse(null));
      } catch (RuntimeException e) {
        reader.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Values (non-null) per field in the whole file, from the footer's column-chunk statistics:
   * nothing is decoded. Empty when a chunk lacks a null count (then count by scanning).
   */
  public Optional<Map<String, Long>> fieldValueCounts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (FieldColumn f : fileSchema.fields()) {
      ColumnPath path = ColumnPath.get(f.name());
      long n = 0;
      for (BlockMetaData block : reader.getFooter().getBlocks()) {
        for (ColumnChunkMetaData chunk : block.getColumns()) {
          if (chunk.getPath().equals(path)) {
            Statistics<?> stats = chunk.getStatistics();
            if (stats == null || !stats.isNumNullsSet()) {
              return Optional.empty();
            }
            n += chunk.getValueCount() - stats.getNumNulls();
          }
        }
      }
      counts.put(f.name(), n);
    }
    return Optional.of(counts);
  }

  /** The columns this file holds (earlier files may lack columns added later). */
  public MeasurementSchema fileSchema() {
    return fileSchema;
  }

  /** Row groups decoded so far. */
  public int rowGroupsRead() {
    return rowGroupsRead;
  }

  /** Row groups skipped unread because their statistics ruled them out. */
  public int rowGroupsSkipped() {
    return rowGroupsSkipped;
  }

  /** Fills {@code batch} with the next row group's matching rows; false when the file is done. */
  public boolean next(ColumnBatch batch) {
    try {
      while (nextBlock < blocks.size()) {
        int index = nextBlock++;
        BlockMetaData block = blocks.get(index);
        Match match = match(block);
        // The reader's own cursor must follow ours: readNextRowGroup reads a row group's column
        // chunks in one pass and is much faster than readRowGroup(index).
        if (match == Match.NONE) {
          reader.skipNextRowGroup();
          rowGroupsSkipped++;
          continue;
        }
        rowGroupsRead++;
        int rows = (int) block.getRowCount();
        RowRanges ranges = match == Match.SOME ? pageRanges(block) : null;
        if (ranges != null && ranges.rowCount() == 0) {
          // Statistics allowed a match but no page does (readFilteredRowGroup answers null here).
          reader.skipNextRowGroup();
          rowGroupsRead--;
          rowGroupsSkipped++;
          continue;
        }
        boolean withTime = spec.time() || (timeRange && match == Match.SOME);
        if (ranges == null || ranges.rowCount() == rows) {
          decode(reader.readNextRowGroup(), rows, batch, withTime);
        } else {
          PageReadStore pages = reader.readFilteredRowGroup(index, ranges);
          reader.skipNextRowGroup();
          pagesPrunedRows += rows - ranges.rowCount();
          decode(pages, rows, batch, withTime);
          keepOnly(pages.getRowIndexes().orElseThrow(), batch);
        }
        if (match == Match.SOME) {
          filter(batch);
        }
        if (batch.size() > 0) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + ": " + e.getMessage(), e);
    }
  }

  /** Rows of a row group skipped unread because the page index ruled their pages out. */
  public long rowsPrunedByPageIndex() {
    return pagesPrunedRows;
  }

  /**
   * The rows whose pages may hold matches, from the page index (per-page min/max) of the time
   * column and the filtered tags; null when the file has no page index.
   */
  private RowRanges pageRanges(BlockMetaData block) throws IOException {
    RowRanges ranges = null;
    int rowGroup = contentKey == null ? -1 : rowGroupNumber(block);
    for (ColumnChunkMetaData chunk : block.getColumns()) {
      String column = chunk.getPath().toArray()[0];
      boolean isTime = column.equals(MeasurementSchema.TIME) && timeRange;
      Set<String> values = spec.tagValues().get(column);
      if (!isTime && values == null) {
        continue;
      }
      Footers.PageIndex pageIndex =
          contentKey == null
              ? readPageIndex(chunk)
              : Footers.pageIndex(contentKey, rowGroup, column, () -> readPageIndex(chunk));
      ColumnIndex index = pageIndex.columns();
      OffsetIndex offsets = pageIndex.offsets();
      if (index == null || offsets == null) {
        return null;
      }
      List<Integer> keep = new ArrayList<>();
      for (int p = 0; p < offsets.getPageCount(); p++) {
        if (index.getNullPages().get(p)) {
          continue; // all NULL: no time (never) and no tag value matches
        }
        ByteBuffer min = index.getMinValues().get(p);
        ByteBuffer max = index.getMaxValues().get(p);
        boolean may = isTime ? timeOverlaps(min, max) : anyBetween(values, min, max);
        if (may) {
          keep.add(p);
        }
      }
      RowRanges pages =
          org.apache.parquet.internal.filter2.columnindex.RowRanges.create(
              block.getRowCount(), keep.stream().mapToInt(Integer::intValue).iterator(), offsets);
      ranges = ranges == null ? pages : RowRanges.intersection(ranges, pages);
    }
    return ranges;
  }

  /**
   * The row group's position in the file (not its ordinal field: writers other than parquet-java
   * may leave it unset).
   */
  private int rowGroupNumber(BlockMetaData block) {
    List<BlockMetaData> all = footerBlocks;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i) == block) {
        return i;
      }
    }
    throw new IllegalStateException("a row group not in the footer of " + name);
  }

  private Footers.PageIndex readPageIndex(ColumnChunkMetaData chunk) {
    try {
      return new Footers.PageIndex(reader.readColumnIndex(chunk), reader.readOffsetIndex(chunk));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the page index of " + name + ": " + e.getMessage(), e);
    }
  }

  private boolean timeOverlaps(ByteBuffer min, ByteBuffer max) {
    long lo = min.duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(0) * unitNanos;
    long hi = max.duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(0) * unitNanos;
    return hi >= spec.fromNanos() && lo < spec.toNanos();
  }

  /**
   * Page bounds are UTF-8 bytes, possibly truncated (min shortened, max rounded up): still safe
   * bounds.
   */
  private static boolean anyBetween(Set<String> values, ByteBuffer min, ByteBuffer max) {
    Binary lo = Binary.fromConstantByteBuffer(min);
    Binary hi = Binary.fromConstantByteBuffer(max);
    for (String v : values) {
      Binary b = Binary.fromString(v);
      if (UNSIGNED.compare(lo, b) <= 0 && UNSIGNED.compare(hi, b) >= 0) {
        return true;
      }
    }
    return false;
  }

  private static final PrimitiveComparator<Binary> UNSIGNED =
      PrimitiveComparator.UNSIGNED_LEXICOGRAPHICAL_BINARY_COMPARATOR;

  /** Keeps the rows of the row group the page index selected, in order. */
  private static void keepOnly(PrimitiveIterator.OfLong rows, ColumnBatch batch) {
    boolean[] keep = new boolean[batch.size()];
    while (rows.hasNext()) {
      keep[(int) rows.nextLong()] = true;
    }
    batch.compact(keep);
  }

  private enum Match {
    NONE,
    SOME,
    ALL
  }

  /** What a row group's statistics say about the scan's time range and tag values. */
  private Match match(BlockMetaData block) {
    boolean all = true;
    for (ColumnChunkMetaData chunk : block.getColumns()) {
      String column = chunk.getPath().toArray()[0];
      Statistics<?> stats = chunk.getStatistics();
      if (column.equals(MeasurementSchema.TIME) && stats != null && stats.hasNonNullValue()) {
        long min = (Long) stats.genericGetMin() * unitNanos;
        long max = (Long) stats.genericGetMax() * unitNanos;
        if (max < spec.fromNanos() || min >= spec.toNanos()) {
          return Match.NONE;
        }
        all &= min >= spec.fromNanos() && max < spec.toNanos();
      }
    }
    for (var filter : spec.tagValues().entrySet()) {
      ColumnChunkMetaData chunk =
          block.getColumns().stream()
              .filter(c -> c.getPath().toArray()[0].equals(filter.getKey()))
              .findFirst()
              .orElse(null);
      if (chunk == null || !mayContain(chunk.getStatistics(), filter.getValue())) {
        return Match.NONE; // a tag absent from the file is NULL in every row: no value matches
      }
      all = false;
    }
    return all ? Match.ALL : Match.SOME;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static boolean mayContain(Statistics stats, Set<String> values) {
    if (stats == null || stats.isEmpty() || !stats.hasNonNullValue()) {
      return stats == null || stats.isEmpty(); // no statistics: cannot rule it out
    }
    for (String v : values) {
      Binary b = Binary.fromString(v);
      if (stats.comparator().compare(stats.genericGetMin(), b) <= 0
          && stats.comparator().compare(stats.genericGetMax(), b) >= 0) {
        return true;
      }
    }
    return false;
  }

  private void decode(PageReadStore rowGroup, int rows, ColumnBatch batch, boolean withTime) {
    batch.reset(rows);
    if (withTime) {
      decoder.longs(rowGroup.getPageReader(timeColumn), timeColumn, batch.times, null, false);
    }
    if (withTime && unitNanos != 1) {
      for (int r = 0; r < rows; r++) {
        batch.times[r] *= unitNanos;
      }
    }
    for (int t = 0; t < tagColumns.length; t++) {
      ColumnBatch.Vector v = batch.tags[t];
      if (tagColumns[t] == null) {
        Arrays.fill(v.nulls, 0, rows, true);
      } else {
        decoder.strings(rowGroup.getPageReader(tagColumns[t]), tagColumns[t], v);
      }
    }
    for (int f = 0; f < fieldColumns.length; f++) {
      ColumnBatch.Vector v = batch.fields[f];
      ColumnDescriptor c = fieldColumns[f];
      if (c == null) {
        Arrays.fill(v.nulls, 0, rows, true);
        continue;
      }
      PageReader pages = rowGroup.getPageReader(c);
      switch (v.type) {
        case FLOAT -> decoder.doubles(pages, c, v.doubles, v.nulls);
        case INTEGER, UNSIGNED -> decoder.longs(pages, c, v.longs, v.nulls, false);
        case BOOLEAN -> decoder.longs(pages, c, v.longs, v.nulls, true);
        case STRING -> decoder.strings(pages, c, v);
      }
    }
  }

  private void filter(ColumnBatch batch) {
    boolean[] keep = new boolean[batch.size()];
    int[] tagPositions = new int[spec.tagValues().size()];
    List<Set<String>> allowed = new ArrayList<>();
    int i = 0;
    for (var entry : spec.tagValues().entrySet()) {
      tagPositions[i++] = spec.tags().indexOf(entry.getKey());
      allowed.add(entry.getValue());
    }
    // Tag filters are decided once per dictionary id, not per row.
    List<boolean[]> allowedIds = new ArrayList<>();
    for (int k = 0; k < tagPositions.length; k++) {
      ColumnBatch.Vector v = batch.tags[tagPositions[k]];
      boolean[] ok = new boolean[v.dictionary.size()];
      for (int id = 0; id < ok.length; id++) {
        ok[id] = allowed.get(k).contains(v.dictionary.get(id));
      }
      allowedIds.add(ok);
    }
    for (int r = 0; r < batch.size(); r++) {
      long t = batch.times[r];
      boolean k = !timeRange || (t >= spec.fromNanos() && t < spec.toNanos());
      for (int j = 0; k && j < tagPositions.length; j++) {
        ColumnBatch.Vector v = batch.tags[tagPositions[j]];
        k = !v.nulls[r] && allowedIds.get(j)[v.ids[r]];
      }
      keep[r] = k;
    }
    batch.compact(keep);
  }

  private static Footers.Footer footer(String name, ParquetMetadata metadata) {
    FooterMetadata meta =
        FooterMetadata.fromFooter(name, metadata.getFileMetaData().getKeyValueMetaData());
    return new Footers.Footer(metadata, meta.schema(), meta.unitNanos());
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
