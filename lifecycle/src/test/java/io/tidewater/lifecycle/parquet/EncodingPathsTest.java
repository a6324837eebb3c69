package io.tidewater.lifecycle.parquet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.policy.rollup.FieldType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each decoding path of the reader, forced by the data, reads back exactly. */
class EncodingPathsTest {

  static final MeasurementSchema SCHEMA =
      new MeasurementSchema(
          "m",
          List.of("t"),
          List.of(
              new FieldColumn("x", FieldType.FLOAT),
              new FieldColumn("s", FieldType.STRING),
              new FieldColumn("i", FieldType.INTEGER)));

  @TempDir Path dir;

  private Set<Encoding> encodings(Path file, String column) throws Exception {
    try (ParquetFileReader r =
        ParquetFileReader.open(
            new LocalInputFile(file),
            ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
      Set<Encoding> all = new HashSet<>();
      for (var block : r.getRowGroups()) {
        for (ColumnChunkMetaData c : block.getColumns()) {
          if (c.getPath().toArray()[0].equals(column)) {
            all.addAll(c.getEncodings());
          }
        }
      }
      return all;
    }
  }

  @Test
  void fullPrecisionDoublesUseByteStreamSplitAndHighCardinalityStringsFallBackToPlain()
      throws Exception {
    Random random = new Random(3);
    int n = 60_000;
    double[] xs = new double[n];
    String[] ss = new String[n];
    long[] is = new long[n];
    SeriesRows rows = new SeriesRows(SCHEMA);
    for (int r = 0; r < n; r++) {
      rows.startRow(1_000_000_000L * r);
      rows.tag(0, "one");
      xs[r] = random.nextDouble() * 1e6;
      rows.setDouble(SCHEMA.fieldIndex("x"), xs[r]);
      ss[r] =
          "unique-value-"
              + r
              + "-"
              + Long.toHexString(random.nextLong())
              + Long.toHexString(random.nextLong());
      rows.setString(SCHEMA.fieldIndex("s"), ss[r]);
      is[r] = random.nextLong();
      rows.setLong(SCHEMA.fieldIndex("i"), is[r]);
    }
    Path file = dir.resolve("f.parquet");
    TimeSeriesWriter.write(rows, new LocalOutputFile(file), WriteOptions.DEFAULTS);
    assertTrue(
        encodings(file, "x").contains(Encoding.BYTE_STREAM_SPLIT),
        "chose byte-stream-split: " + encodings(file, "x"));
    Set<Encoding> strings = encodings(file, "s");
    assertTrue(
        strings.contains(Encoding.PLAIN) || strings.contains(Encoding.DELTA_BYTE_ARRAY),
        "the string dictionary overflowed and fell back: " + strings);

    ScanSpec spec = ScanSpec.all(SCHEMA);
    double[] gotX = new double[n];
    long[] gotI = new long[n];
    List<String> gotS = new ArrayList<>();
    int k = 0;
    try (TimeSeriesReader reader = TimeSeriesReader.open(new LocalInputFile(file), "f", spec)) {
      ColumnBatch batch = new ColumnBatch(spec);
      while (reader.next(batch)) {
        for (int r = 0; r < batch.size(); r++, k++) {
          gotX[k] = batch.field(spec.fields().indexOf("x")).doubleAt(r);
          gotS.add(batch.field(spec.fields().indexOf("s")).stringAt(r));
          gotI[k] = batch.field(spec.fields().indexOf("i")).longAt(r);
        }
      }
    }
    assertEquals(n, k);
    assertArrayEquals(xs, gotX);
    assertArrayEquals(is, gotI);
    assertEquals(List.of(ss), gotS);
  }
}
