package io.tidewater.lifecycle.parquet;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidewater.policy.Compression;
import io.tidewater.policy.TimestampPrecision;
import io.tidewater.policy.rollup.FieldType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Writes rows of one measurement into one Parquet file, sorted by series then time: {@code time}
 * as INT64 TIMESTAMP (UTC, micro- or nanoseconds) delta-encoded, tags as dictionary-encoded
 * strings, fields typed (DESIGN.md section 3), with statistics and the page index, and the
 * measurement's schema in the file's key-value metadata so readers know tags from fields.
 */
public final class TimeSeriesWriter {

  /** Key-value metadata key holding the {@link MeasurementSchema} and precision as JSON. */
  public static final String SCHEMA_KEY = "tidewater.schema";

  private static final ObjectMapper JSON = new ObjectMapper();

  private TimeSeriesWriter() {}

  /** The Parquet schema of a measurement's lake files. */
  public static MessageType parquetSchema(MeasurementSchema schema, TimestampPrecision precision) {
    Types.MessageTypeBuilder message = Types.buildMessage();
    message.required(PrimitiveTypeName.INT64)
        .as(LogicalTypeAnnotation.timestampType(true, precision == TimestampPrecision.NANOS
            ? LogicalTypeAnnotation.TimeUnit.NANOS : LogicalTypeAnnotation.TimeUnit.MICROS))
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
      case UNSIGNED -> Types.optional(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.intType(64, false)).named(f.name());
      case STRING -> Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(f.name());
      case BOOLEAN -> Types.optional(PrimitiveTypeName.BOOLEAN).named(f.name());
    };
  }

  /** Writes all rows, sorted by series then time. */
  public static FileSummary write(SeriesRows rows, OutputFile out, WriteOptions options) {
    return write(rows, rows.seriesTimeOrder(), out, options);
  }

  /** Writes the rows {@code order} lists, in that order (which must be by series then time). */
  public static FileSummary write(SeriesRows rows, int[] order, OutputFile out, WriteOptions options) {
    MeasurementSchema schema = rows.schema();
    Map<String, String> metadata = new HashMap<>();
    metadata.put(SCHEMA_KEY, schemaJson(schema, options.precision()));
    RowsWriteSupport support = new RowsWriteSupport(rows, parquetSchema(schema, options.precision()), metadata,
        options.precision());
    Builder builder = new Builder(out, support)
        .withConf(new PlainParquetConfiguration())
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
        .withCompressionCodec(codec(options.compression()))
        .withRowGroupSize(options.rowGroupBytes())
        .withPageSize(options.pageBytes())
        .withDictionaryEncoding(true)
        .withDictionaryEncoding(MeasurementSchema.TIME, false);
    chooseEncodings(rows, order, options.compression(), builder);
    long minTime = Long.MAX_VALUE;
    long maxTime = Long.MIN_VALUE;
    int series = 0;
    try (ParquetWriter<int[]> writer = builder.build()) {
      int[] cursor = new int[1];
      int previous = -1;
      for (int row : order) {
        cursor[0] = row;
        writer.write(cursor);
        long t = rows.time(row);
        minTime = Math.min(minTime, t);
        maxTime = Math.max(maxTime, t);
        if (previous < 0 || !sameSeries(rows, previous, row)) {
          series++;
        }
        previous = row;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write Parquet for " + schema.measurement() + ": " + e.getMessage(), e);
    }
    return new FileSummary(order.length, series, minTime, maxTime);
  }

  private static boolean sameSeries(SeriesRows rows, int a, int b) {
    for (int t = 0; t < rows.schema().tags().size(); t++) {
      if (rows.tagId(t, a) != rows.tagId(t, b)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Per numeric column, from a sample of its values: dictionary encoding only where values repeat
   * (building a dictionary that overflows and falls back costs more than the whole write otherwise),
   * and for floats plain or byte-stream-split, whichever compresses smaller.
   */
  private static void chooseEncodings(SeriesRows rows, int[] order, Compression codec, Builder builder) {
    List<FieldColumn> fields = rows.schema().fields();
    for (int f = 0; f < fields.size(); f++) {
      FieldType type = fields.get(f).type();
      if (type != FieldType.FLOAT && type != FieldType.INTEGER && type != FieldType.UNSIGNED) {
        continue;
      }
      double[] sample = new double[Math.min(order.length, DoubleEncodingChoice.SAMPLE)];
      java.util.HashSet<Long> distinct = new java.util.HashSet<>();
      int n = 0;
      for (int i = 0; i < order.length && n < sample.length; i++) {
        if (rows.isPresent(f, order[i])) {
          long bits = type == FieldType.FLOAT ? Double.doubleToRawLongBits(rows.doubleValue(f, order[i]))
              : rows.longValue(f, order[i]);
          sample[n++] = Double.longBitsToDouble(bits);
          if (distinct.size() <= n / 4) {
            distinct.add(bits);
          }
        }
      }
      String name = fields.get(f).name();
      builder.withDictionaryEncoding(name, distinct.size() <= n / 4);
      if (type == FieldType.FLOAT) {
        // Per column: withByteStreamSplitEncoding(true) would also split INT64 columns.
        builder.withByteStreamSplitEncoding(name, DoubleEncodingChoice.byteStreamSplitIsSmaller(sample, n, codec));
      }
    }
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

  static String schemaJson(MeasurementSchema schema, TimestampPrecision precision) {
    Map<String, Object> json = new HashMap<>();
    json.put("measurement", schema.measurement());
    json.put("tags", schema.tags());
    List<Map<String, String>> fields = new ArrayList<>();
    for (FieldColumn f : schema.fields()) {
      fields.add(Map.of("name", f.name(), "type", f.type().influxName()));
    }
    json.put("fields", fields);
    json.put("precision", precision.key());
    try {
      return JSON.writeValueAsString(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class Builder extends ParquetWriter.Builder<int[], Builder> {
    private final RowsWriteSupport support;

    Builder(OutputFile file, RowsWriteSupport support) {
      super(file);
      this.support = support;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<int[]> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
      return support;
    }

    @Override
    protected WriteSupport<int[]> getWriteSupport(ParquetConfiguration conf) {
      return support;
    }
  }

  /** Emits the row a one-element cursor points at; tag and string values are converted to Binary once. */
  private static final class RowsWriteSupport extends WriteSupport<int[]> {
    private final SeriesRows rows;
    private final MessageType schema;
    private final Map<String, String> metadata;
    private final boolean nanos;
    private final BinaryCache[] tagBinaries;
    private final BinaryCache[] stringBinaries;
    private RecordConsumer consumer;

    RowsWriteSupport(SeriesRows rows, MessageType schema, Map<String, String> metadata, TimestampPrecision precision) {
      this.rows = rows;
      this.schema = schema;
      this.metadata = metadata;
      this.nanos = precision == TimestampPrecision.NANOS;
      this.tagBinaries = new BinaryCache[rows.schema().tags().size()];
      for (int t = 0; t < tagBinaries.length; t++) {
        int tag = t;
        tagBinaries[t] = new BinaryCache(id -> rows.tagValue(tag, id));
      }
      this.stringBinaries = new BinaryCache[rows.schema().fields().size()];
      for (int f = 0; f < stringBinaries.length; f++) {
        int field = f;
        stringBinaries[f] = new BinaryCache(id -> rows.stringById(field, id));
      }
    }

    @Override
    public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
      return new WriteContext(schema, metadata);
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return new WriteContext(schema, metadata);
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.consumer = recordConsumer;
    }

    @Override
    public void write(int[] cursor) {
      int row = cursor[0];
      MeasurementSchema s = rows.schema();
      consumer.startMessage();
      consumer.startField(MeasurementSchema.TIME, 0);
      long t = rows.time(row);
      consumer.addLong(nanos ? t : Math.floorDiv(t, 1000L));
      consumer.endField(MeasurementSchema.TIME, 0);
      int index = 1;
      for (int tag = 0; tag < s.tags().size(); tag++, index++) {
        int id = rows.tagId(tag, row);
        if (id >= 0) {
          String name = s.tags().get(tag);
          consumer.startField(name, index);
          consumer.addBinary(tagBinaries[tag].get(id));
          consumer.endField(name, index);
        }
      }
      for (int f = 0; f < s.fields().size(); f++, index++) {
        if (!rows.isPresent(f, row)) {
          continue;
        }
        String name = s.fields().get(f).name();
        consumer.startField(name, index);
        switch (rows.type(f)) {
          case FLOAT -> consumer.addDouble(rows.doubleValue(f, row));
          case INTEGER, UNSIGNED -> consumer.addLong(rows.longValue(f, row));
          case BOOLEAN -> consumer.addBoolean(rows.longValue(f, row) != 0);
          case STRING -> consumer.addBinary(stringBinaries[f].get(rows.stringId(f, row)));
        }
        consumer.endField(name, index);
      }
      consumer.endMessage();
    }
  }

  /** Binary values of a dictionary-encoded column, made once per distinct value. */
  private static final class BinaryCache {
    private final java.util.function.IntFunction<String> values;
    private Binary[] cache = new Binary[16];

    BinaryCache(java.util.function.IntFunction<String> values) {
      this.values = values;
    }

    Binary get(int id) {
      if (id >= cache.length) {
        cache = java.util.Arrays.copyOf(cache, Math.max(id + 1, cache.length * 2));
      }
      if (cache[id] == null) {
        cache[id] = Binary.fromString(values.apply(id));
      }
      return cache[id];
    }
  }
}
