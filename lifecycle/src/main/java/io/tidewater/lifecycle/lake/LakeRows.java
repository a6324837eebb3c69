package io.tidewater.lifecycle.lake;

import io.tidewater.lifecycle.parquet.ColumnBatch;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.lifecycle.parquet.ScanSpec;
import io.tidewater.lifecycle.parquet.SeriesRows;
import io.tidewater.lifecycle.parquet.StoreInputFile;
import io.tidewater.lifecycle.parquet.TimeSeriesReader;
import io.tidewater.lifecycle.store.ObjectInfo;
import java.time.Instant;
import java.util.Optional;

/**
 * Reads a committed window version back into {@link SeriesRows}, e.g. to compute its rollups from
 * the lake.
 */
public final class LakeRows {

  private LakeRows() {}

  public static SeriesRows read(Ledger ledger, WindowVersion version) {
    MeasurementSchema schema = version.schema();
    SeriesRows rows = new SeriesRows(schema);
    ScanSpec spec = ScanSpec.all(schema);
    for (DataFile f : version.files()) {
      ObjectInfo info =
          new ObjectInfo(f.key(), f.size(), f.etag(), Instant.EPOCH, Optional.empty());
      try (TimeSeriesReader reader =
          TimeSeriesReader.open(new StoreInputFile(ledger.store(), info), f.key(), spec)) {
        ColumnBatch batch = new ColumnBatch(spec);
        while (reader.next(batch)) {
          for (int r = 0; r < batch.size(); r++) {
            rows.startRow(batch.timeAt(r));
            for (int t = 0; t < spec.tags().size(); t++) {
              rows.tag(schema.tagIndex(spec.tags().get(t)), batch.tag(t).stringAt(r));
            }
            for (int i = 0; i < spec.fields().size(); i++) {
              ColumnBatch.Vector v = batch.field(i);
              if (v.isNull(r)) {
                continue;
              }
              int f2 = schema.fieldIndex(spec.fields().get(i));
              switch (schema.fields().get(f2).type()) {
                case FLOAT -> rows.setDouble(f2, v.doubleAt(r));
                case INTEGER, UNSIGNED -> rows.setLong(f2, v.longAt(r));
                case BOOLEAN -> rows.setBoolean(f2, v.booleanAt(r));
                case STRING -> rows.setString(f2, v.stringAt(r));
              }
            }
          }
        }
      }
    }
    return rows;
  }
}
