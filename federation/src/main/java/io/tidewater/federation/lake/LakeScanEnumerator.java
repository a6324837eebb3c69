package io.tidewater.federation.lake;

import io.tidewater.federation.plan.ScanColumn;
import io.tidewater.lifecycle.lake.DataFile;
import io.tidewater.lifecycle.parquet.ColumnBatch;
import io.tidewater.lifecycle.parquet.ScanSpec;
import io.tidewater.lifecycle.parquet.StoreInputFile;
import io.tidewater.lifecycle.parquet.TimeSeriesReader;
import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.ObjectInfo;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.linq4j.Enumerator;

/** Rows of lake files, file after file, decoded a batch of column values at a time. */
final class LakeScanEnumerator implements Enumerator<Object[]> {

  private final LakeStore store;
  private final ScanSpec spec;
  private final Iterator<DataFile> files;
  private final ScanColumn[] columns;
  private final int[] source; // per output column: time -1, tag i as 1 + i, field i as -(2 + i)
  private TimeSeriesReader reader;
  private final ColumnBatch batch;
  private int row = -1;
  private Object[] current;

  LakeScanEnumerator(
      LakeStore store, List<DataFile> files, ScanSpec spec, List<ScanColumn> columns) {
    this.store = store;
    this.spec = spec;
    this.files = files.iterator();
    this.batch = new ColumnBatch(spec);
    this.columns = columns.toArray(new ScanColumn[0]);
    this.source = new int[this.columns.length];
    for (int i = 0; i < source.length; i++) {
      ScanColumn c = this.columns[i];
      if (c instanceof ScanColumn.Tag t) {
        source[i] = 1 + spec.tags().indexOf(t.name());
      } else if (c instanceof ScanColumn.Field f) {
        source[i] = -2 - spec.fields().indexOf(f.name());
      } else {
        source[i] = -1;
      }
    }
  }

  @Override
  public Object[] current() {
    return current;
  }

  @Override
  public boolean moveNext() {
    while (reader == null || ++row >= batch.size()) {
      if (reader != null && reader.next(batch)) {
        row = -1;
        continue;
      }
      if (reader != null) {
        reader.close();
        reader = null;
      }
      if (!files.hasNext()) {
        return false;
      }
      DataFile f = files.next();
      ObjectInfo info =
          new ObjectInfo(f.key(), f.size(), f.etag(), Instant.EPOCH, Optional.empty());
      TimeSeriesReader opened =
          TimeSeriesReader.open(new StoreInputFile(store, info), f.key(), spec);
      if (opened.next(batch)) {
        reader = opened;
        row = -1;
      } else {
        opened.close(); // every row group pruned: the next file
      }
    }
    Object[] out = new Object[source.length];
    for (int i = 0; i < source.length; i++) {
      int s = source[i];
      if (s == -1) {
        long millis = Math.floorDiv(batch.timeAt(row), 1_000_000L);
        out[i] =
            columns[i] instanceof ScanColumn.Bucket b
                ? millis - Math.floorMod(millis, b.widthMillis())
                : millis;
      } else if (s > 0) {
        out[i] = batch.tag(s - 1).stringAt(row);
      } else {
        ColumnBatch.Vector v = batch.field(-2 - s);
        out[i] = v.isNull(row) ? null : v.valueAt(row);
      }
    }
    current = out;
    return true;
  }

  @Override
  public void reset() {
    throw new UnsupportedOperationException("a lake scan is read once");
  }

  @Override
  public void close() {
    if (reader != null) {
      reader.close();
      reader = null;
    }
  }
}
