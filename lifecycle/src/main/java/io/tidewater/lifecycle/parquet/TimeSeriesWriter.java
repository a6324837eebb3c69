package io.tidewater.lifecycle.parquet;

import io.tidewater.policy.Compression;
import io.tidewater.policy.TimestampPrecision;
import io.tidewater.policy.rollup.FieldType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Writes rows of one measurement into one Parquet file, sorted by series then time: {@code time} as
 * INT64 TIMESTAMP (UTC, micro- or nanoseconds) delta-encoded, tags as dictionary-encoded strings,
 * fields typed (docs/architecture.md, lake layout), with statistics and the page index, and the
 * measurement's schema in the file's key-value metadata so readers know tags from fields.
 */
public final class TimeSeriesWriter {

  private TimeSeriesWriter() {}

  /** The Parquet schema of a measurement's lake files. */
  public static MessageType parquetSchema(MeasurementSchema schema, TimestampPrecision precision) {
    Types.MessageTypeBuilder message = Types.buildMessage();
    message
        .required(PrimitiveTypeName.INT64)
        .as(
            LogicalTypeAnnotation.timestampType(
                true,
                precision == TimestampPrecision.NANOS
                    ? LogicalTypeAnnotation.TimeUnit.NANOS
                    : LogicalTypeAnnotation.TimeUnit.MICROS))
        .named(MeasurementSchema.TIME);
    for (String tag : schema.tags()) {
      message.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(tag);
    }
    for (FieldColumn f : schema.fields()) {
      message.addField(fieldType(f));
    }
    return message.named(schema.measurement());
  }

  private static Type fieldType(FieldColumn f) {
    return switch (f.type()) {
      case FLOAT -> Types.optional(PrimitiveTypeName.DOUBLE).named(f.name());
      case INTEGER -> Types.optional(PrimitiveTypeName.INT64).named(f.name());
      case UNSIGNED ->
          Types.optional(PrimitiveTypeName.INT64)
              .as(LogicalTypeAnnotation.intType(64, false))
              .named(f.name());
      case STRING ->
          Types.optional(PrimitiveTypeName.BINARY)
              .as(LogicalTypeAnnotation.stringType())
              .named(f.name());
      case BOOLEAN -> Types.optional(PrimitiveTypeName.BOOLEAN).named(f.name());
    };
  }

  /** Writes all rows, sorted by series then time. */
  public static FileSummary write(SeriesRows rows, OutputFile out, WriteOptions options) {
    return write(rows, rows.seriesTimeOrder(), out, options);
  }

  /** Writes the rows {@code order} lists, in that order (which must be by series then time). */
  public static FileSummary write(
      SeriesRows rows, int[] order, OutputFile out, WriteOptions options) {
    return write(rows, order, out, options, new EncodingChoices());
  }

  /** As above, with the encodings {@code choices} remembers of earlier files of the columns. */
  public static FileSummary write(
      SeriesRows rows, int[] order, OutputFile out, WriteOptions options, EncodingChoices choices) {
    MeasurementSchema schema = rows.schema();
    MessageType parquet = parquetSchema(schema, options.precision());
    ParquetProperties.Builder props =
        ParquetProperties.builder()
            .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
            .withPageSize(options.pageBytes())
            .withDictionaryEncoding(true)
            .withDictionaryEncoding(MeasurementSchema.TIME, false)
            .withColumnIndexTruncateLength(64)
            .withPageWriteChecksumEnabled(true);
    chooseEncodings(rows, order, options.compression(), props, choices);
    // Rows go straight to parquet-java's column writers: the record API's per-field bookkeeping
    // (MessageColumnIO) cost more than the encoding itself (profiled on exports).
    try (DirectWriter writer = new DirectWriter(rows, parquet, props.build(), out, options)) {
      long minTime = Long.MAX_VALUE;
      long maxTime = Long.MIN_VALUE;
      int series = 0;
      int previous = -1;
      for (int row : order) {
        writer.write(row);
        long t = rows.time(row);
        minTime = Math.min(minTime, t);
        maxTime = Math.max(maxTime, t);
        if (previous < 0 || !sameSeries(rows, previous, row)) {
          series++;
        }
        previous = row;
      }
      writer.finish(new FooterMetadata(schema, options.precision()).toFooter());
      return new FileSummary(order.length, series, minTime, maxTime);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write Parquet for " + schema.measurement() + ": " + e.getMessage(), e);
    }
  }

  private static boolean sameSeries(SeriesRows rows, int a, int b) {
    for (int t = 0; t < rows.schema().tags().size(); t++) {
      if (rows.tagId(t, a) != rows.tagId(t, b)) {
        return false;
      }
    }
    return true;
  }

  /** Values a sample needs for its choice to be remembered for later files. */
  private static final int MIN_REMEMBERED_SAMPLE = 64;

  /**
   * Per numeric column, from a sample of its values spread over the file (or as an earlier file of
   * the column chose, {@link EncodingChoices}): dictionary encoding only where values repeat
   * (building a dictionary that overflows and falls back costs more than the whole write
   * otherwise), and for floats plain or byte-stream-split, whichever compresses smaller.
   */
  private static void chooseEncodings(
      SeriesRows rows,
      int[] order,
      Compression codec,
      ParquetProperties.Builder builder,
      EncodingChoices choices) {
    List<FieldColumn> fields = rows.schema().fields();
    // Every stride-th row: a spread sample judges a file of drifting values better than its first
    // rows.
    int stride = Math.max(1, order.length / DoubleEncodingChoice.SAMPLE);
    int sampleSize = Math.min(order.length, DoubleEncodingChoice.SAMPLE);
    for (int f = 0; f < fields.size(); f++) {
      FieldType type = fields.get(f).type();
      if (type != FieldType.FLOAT && type != FieldType.INTEGER && type != FieldType.UNSIGNED) {
        continue;
      }
      String name = fields.get(f).name();
      // The schema's size too: a raw field named like a rollup column is another column.
      String column =
          rows.schema().measurement()
              + '\0'
              + fields.size()
              + '\0'
              + name
              + '\0'
              + type
              + '\0'
              + codec;
      EncodingChoices.Choice choice = choices.recall(column, sampleSize);
      if (choice == null) {
        double[] sample = new double[sampleSize];
        long[] bits = new long[sample.length];
        int n = 0;
        for (int i = 0; i < order.length && n < sample.length; i += stride) {
          if (rows.isPresent(f, order[i])) {
            bits[n] =
                type == FieldType.FLOAT
                    ? Double.doubleToRawLongBits(rows.doubleValue(f, order[i]))
                    : rows.longValue(f, order[i]);
            sample[n] = Double.longBitsToDouble(bits[n]);
            n++;
          }
        }
        choice =
            new EncodingChoices.Choice(
                distinct(bits, n) <= n / 4,
                type == FieldType.FLOAT
                    && DoubleEncodingChoice.byteStreamSplitIsSmaller(sample, n, codec),
                sampleSize);
        if (n >= MIN_REMEMBERED_SAMPLE) {
          choices.remember(column, choice); // not what a nearly empty sample chose
        }
      }
      builder.withDictionaryEncoding(name, choice.dictionary());
      if (type == FieldType.FLOAT) {
        // Per column: withByteStreamSplitEncoding(true) would also split INT64 columns.
        builder.withByteStreamSplitEncoding(name, choice.byteStreamSplit());
      }
    }
  }

  /** How many distinct values {@code values[0, n)} holds (sorts them). */
  private static int distinct(long[] values, int n) {
    Arrays.sort(values, 0, n);
    int distinct = n == 0 ? 0 : 1;
    for (int i = 1; i < n; i++) {
      if (values[i] != values[i - 1]) {
        distinct++;
      }
    }
    return distinct;
  }

  static CompressionCodecName codec(Compression c) {
    return switch (c) {
      case ZSTD -> CompressionCodecName.ZSTD;
      case SNAPPY -> CompressionCodecName.SNAPPY;
      case GZIP -> CompressionCodecName.GZIP;
      case LZ4 -> CompressionCodecName.LZ4_RAW; // the interoperable LZ4 of the Parquet spec
      case NONE -> CompressionCodecName.UNCOMPRESSED;
    };
  }

  /** Writes rows through a column write store, cutting row groups at the configured size. */
  private static final class DirectWriter implements AutoCloseable {
    private final SeriesRows rows;
    private final MessageType schema;
    private final ParquetProperties props;
    private final ParquetFileWriter file;
    private final CodecFactory codecs = new CodecFactory(new PlainParquetConfiguration(), 0);
    private final CompressionCodecFactory.BytesInputCompressor compressor;
    private final long rowGroupBytes;
    private final boolean nanos;
    private final BinaryCache[] tagBinaries;
    private final BinaryCache[] stringBinaries;
    private ColumnChunkPageWriteStore pages;
    private ColumnWriteStore store;
    private ColumnWriter time;
    private ColumnWriter[] tags;
    private ColumnWriter[] fields;
    private long rowsInGroup;

    DirectWriter(
        SeriesRows rows,
        MessageType schema,
        ParquetProperties props,
        OutputFile out,
        WriteOptions options)
        throws IOException {
      this.rows = rows;
      this.schema = schema;
      this.props = props;
      this.rowGroupBytes = options.rowGroupBytes();
      this.nanos = options.precision() == TimestampPrecision.NANOS;
      this.compressor =
          options.compression() == Compression.ZSTD
              ? new ZstdPageCompressor()
              : codecs.getCompressor(codec(options.compression()));
      this.file =
          new ParquetFileWriter(
              out,
              schema,
              ParquetFileWriter.Mode.OVERWRITE,
              options.rowGroupBytes(),
              0,
              64,
              Integer.MAX_VALUE,
              true);
      file.start();
      MeasurementSchema s = rows.schema();
      tagBinaries = new BinaryCache[s.tags().size()];
      for (int t = 0; t < tagBinaries.length; t++) {
        int tag = t;
        tagBinaries[t] = new BinaryCache(id -> rows.tagValue(tag, id));
      }
      stringBinaries = new BinaryCache[s.fields().size()];
      for (int f = 0; f < stringBinaries.length; f++) {
        int field = f;
        stringBinaries[f] = new BinaryCache(id -> rows.stringById(field, id));
      }
    }

    private void startGroup() {
      pages =
          new ColumnChunkPageWriteStore(
              compressor, schema, new HeapByteBufferAllocator(), 64, true);
      store = props.newColumnWriteStore(schema, pages);
      List<ColumnDescriptor> columns = schema.getColumns();
      time = store.getColumnWriter(columns.get(0));
      MeasurementSchema s = rows.schema();
      tags = new ColumnWriter[s.tags().size()];
      for (int t = 0; t < tags.length; t++) {
        tags[t] = store.getColumnWriter(columns.get(1 + t));
      }
      fields = new ColumnWriter[s.fields().size()];
      for (int f = 0; f < fields.length; f++) {
        fields[f] = store.getColumnWriter(columns.get(1 + tags.length + f));
      }
    }

    void write(int row) throws IOException {
      if (store == null) {
        startGroup();
      }
      long t = rows.time(row);
      time.write(nanos ? t : Math.floorDiv(t, 1000L), 0, 0);
      for (int tag = 0; tag < tags.length; tag++) {
        int id = rows.tagId(tag, row);
        if (id < 0) {
          tags[tag].writeNull(0, 0);
        } else {
          tags[tag].write(tagBinaries[tag].get(id), 0, 1);
        }
      }
      for (int f = 0; f < fields.length; f++) {
        ColumnWriter w = fields[f];
        if (!rows.isPresent(f, row)) {
          w.writeNull(0, 0);
          continue;
        }
        switch (rows.type(f)) {
          case FLOAT -> w.write(rows.doubleValue(f, row), 0, 1);
          case INTEGER, UNSIGNED -> w.write(rows.longValue(f, row), 0, 1);
          case BOOLEAN -> w.write(rows.longValue(f, row) != 0, 0, 1);
          case STRING -> w.write(stringBinaries[f].get(rows.stringId(f, row)), 0, 1);
        }
      }
      store.endRecord();
      rowsInGroup++;
      if ((rowsInGroup & 1023) == 0 && store.getBufferedSize() >= rowGroupBytes) {
        flushGroup();
      }
    }

    private void flushGroup() throws IOException {
      if (store == null || rowsInGroup == 0) {
        return;
      }
      file.startBlock(rowsInGroup);
      store.flush();
      pages.flushToFileWriter(file);
      file.endBlock();
      store.close();
      pages.close();
      store = null;
      rowsInGroup = 0;
    }

    private boolean ended;

    void finish(Map<String, String> metadata) throws IOException {
      flushGroup();
      file.end(metadata);
      ended = true;
    }

    @Override
    public void close() {
      if (store != null) {
        store.close();
      }
      if (compressor instanceof ZstdPageCompressor zstd) {
        zstd.release();
      }
      codecs.release();
      if (!ended) {
        try {
          file.close(); // a failed write must not leak the output stream
        } catch (IOException | RuntimeException e) {
          // The write already failed; that error is the one reported.
        }
      }
    }
  }

  /** Binary values of a dictionary-encoded column, made once per distinct value. */
  private static final class BinaryCache {
    private final IntFunction<String> values;
    private Binary[] cache = new Binary[16];

    BinaryCache(IntFunction<String> values) {
      this.values = values;
    }

    Binary get(int id) {
      if (id >= cache.length) {
        cache = Arrays.copyOf(cache, Math.max(id + 1, cache.length * 2));
      }
      if (cache[id] == null) {
        // Array-backed: parquet-java hashes and compares every value written (dictionary,
        // statistics),
        // which costs less over a byte[] than over the ByteBuffer Binary.fromString wraps.
        cache[id] = Binary.fromConstantByteArray(values.apply(id).getBytes(StandardCharsets.UTF_8));
      }
      return cache[id];
    }
  }
}
