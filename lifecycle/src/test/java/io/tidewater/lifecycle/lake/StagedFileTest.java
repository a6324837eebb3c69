package io.tidewater.lifecycle.lake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.lifecycle.parquet.FieldColumn;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.lifecycle.parquet.SeriesRows;
import io.tidewater.lifecycle.parquet.TimeSeriesWriter;
import io.tidewater.lifecycle.parquet.WriteOptions;
import io.tidewater.policy.LakeOptions;
import io.tidewater.policy.rollup.FieldType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagedFileTest {

  @TempDir Path folder;

  @Test
  void bytesUnderTheLimitStayInMemoryAndLeaveNoFile() throws Exception {
    byte[] written = random(10_000);
    try (StagedFile staged = new StagedFile(folder, 64 << 10)) {
      write(staged, written);
      assertTrue(staged.spilled().isEmpty());
      assertArrayEquals(written, staged.inMemory().orElseThrow());
    }
    assertFalse(Files.exists(folder) && Files.list(folder).findAny().isPresent());
  }

  @Test
  void bytesOverTheLimitMoveToTheFolderWholeAndTheFileGoesOnClose() throws Exception {
    byte[] written = random(300_000);
    Path spilled;
    try (StagedFile staged = new StagedFile(folder.resolve("not-yet"), 64 << 10)) {
      write(staged, written);
      assertTrue(staged.inMemory().isEmpty());
      spilled = staged.spilled().orElseThrow();
      assertTrue(spilled.getFileName().toString().startsWith(StagingFolder.PREFIX));
      assertArrayEquals(written, Files.readAllBytes(spilled), "the bytes before the spill too");
    }
    assertFalse(Files.exists(spilled));
  }

  @Test
  void aStagedFileIsWrittenOnce() throws Exception {
    try (StagedFile staged = new StagedFile(folder, 1024)) {
      write(staged, random(10));
      assertThrows(IllegalStateException.class, () -> staged.createOrOverwrite(0));
    }
  }

  @Test
  void aParquetFileStagedInMemoryReadsBackWhole() throws Exception {
    MeasurementSchema schema =
        new MeasurementSchema(
            "cpu", List.of("host"), List.of(new FieldColumn("usage", FieldType.FLOAT)));
    SeriesRows rows = new SeriesRows(schema);
    for (int i = 0; i < 5_000; i++) {
      rows.startRow(1_735_689_600_000_000_000L + i * 1_000_000_000L);
      rows.tag(0, "host-" + (i % 7));
      rows.setDouble(0, i * 0.5);
    }
    try (StagedFile staged = new StagedFile(folder, 16 << 20)) {
      TimeSeriesWriter.write(rows, staged, WriteOptions.of(LakeOptions.DEFAULTS));
      Path file = Files.write(folder.resolve("back.parquet"), staged.inMemory().orElseThrow());
      try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
        assertEquals(5_000, reader.getRecordCount());
      }
    }
  }

  private static void write(StagedFile staged, byte[] bytes) throws Exception {
    try (PositionOutputStream out = staged.create(0)) {
      int at = 0;
      for (int chunk = 1; at < bytes.length; chunk = chunk * 3 + 1) {
        int n = Math.min(chunk, bytes.length - at);
        if (n == 1) {
          out.write(bytes[at]);
        } else {
          out.write(bytes, at, n);
        }
        at += n;
        assertEquals(at, out.getPos());
      }
    }
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }
}
