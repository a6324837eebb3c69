package io.tidewater.lifecycle.export;

import io.tidewater.lifecycle.parquet.FieldColumn;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.lifecycle.parquet.SeriesRows;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.rollup.FieldType;
import io.tidewater.policy.rollup.FloatBucket;
import io.tidewater.policy.rollup.FloatRollup;
import io.tidewater.policy.rollup.IntegerBucket;
import io.tidewater.policy.rollup.IntegerRollup;
import io.tidewater.policy.rollup.RollupAggregate;
import io.tidewater.policy.rollup.ValueBucket;
import io.tidewater.policy.rollup.ValueRollup;
import java.util.List;

/**
 * Computes rollups of one window: per series and bucket of a resolution, the aggregates of each
 * field (Thanos's downsampler shape: a pure aggregator reset and fed point by point). Buckets are
 * epoch-aligned, so a window's buckets are whole when the resolution divides the window.
 */
public final class Downsampler {

  private Downsampler() {}

  /** Rollups of raw points at {@code resolution}. */
  public static SeriesRows rollup(SeriesRows raw, Resolution resolution) {
    return new Run(raw, resolution, false).run();
  }

  /**
   * Coarser rollups from finer ones: exact, since every aggregate re-aggregates (mean is
   * sum/count).
   */
  public static SeriesRows reaggregate(
      SeriesRows finer, MeasurementSchema rawSchema, Resolution coarser) {
    return new Run(finer, coarser, true, rawSchema).run();
  }

  /** One pass over rows sorted by series and time, flushing a row per series and bucket. */
  private static final class Run {
    private final SeriesRows in;
    private final long width;
    private final boolean fromRollups;
    private final MeasurementSchema raw;
    private final SeriesRows out;
    private final Object[] accumulators;
    private final int[][]
        inColumns; // per raw field, its rollup columns in the input (rollup input only)
    private final int[][] outColumns; // per raw field, its rollup columns in the output

    Run(SeriesRows in, Resolution resolution, boolean fromRollups) {
      this(in, resolution, fromRollups, in.schema());
    }

    Run(SeriesRows in, Resolution resolution, boolean fromRollups, MeasurementSchema raw) {
      if (resolution.isRaw()) {
        throw new IllegalArgumentException("rollups need a bucket width");
      }
      this.in = in;
      this.width = resolution.width().toNanos();
      this.fromRollups = fromRollups;
      this.raw = raw;
      MeasurementSchema rollupSchema = RollupSchema.of(raw);
      this.out = new SeriesRows(rollupSchema);
      List<FieldColumn> fields = raw.fields();
      accumulators = new Object[fields.size()];
      inColumns = new int[fields.size()][];
      outColumns = new int[fields.size()][];
      for (int f = 0; f < fields.size(); f++) {
        FieldColumn field = fields.get(f);
        accumulators[f] =
            switch (field.type()) {
              case FLOAT -> new FloatRollup();
              case INTEGER -> new IntegerRollup(false);
              case UNSIGNED -> new IntegerRollup(true);
              case STRING, BOOLEAN -> new ValueRollup<Object>();
            };
        outColumns[f] = columns(rollupSchema, field.name());
        if (fromRollups) {
          inColumns[f] = columns(in.schema(), field.name());
        }
      }
    }

    /**
     * The rollup columns of {@code field}: count, sum, min, max, first, last, first_time, last_time
     * (-1: none).
     */
    private static int[] columns(MeasurementSchema s, String field) {
      return new int[] {
        s.fieldIndex(RollupSchema.column(field, RollupAggregate.COUNT)),
        s.fieldIndex(RollupSchema.column(field, RollupAggregate.SUM)),
        s.fieldIndex(RollupSchema.column(field, RollupAggregate.MIN)),
        s.fieldIndex(RollupSchema.column(field, RollupAggregate.MAX)),
        s.fieldIndex(RollupSchema.column(field, RollupAggregate.FIRST)),
        s.fieldIndex(RollupSchema.column(field, RollupAggregate.LAST)),
        s.fieldIndex(RollupSchema.firstTime(field)),
        s.fieldIndex(RollupSchema.lastTime(field))
      };
    }

    SeriesRows run() {
      int[] order = in.seriesTimeOrder();
      int seriesRow = -1;
      long bucket = Long.MIN_VALUE;
      for (int row : order) {
        long t = in.timeNanos(row);
        long b = t - Math.floorMod(t, width);
        if (seriesRow >= 0 && (b != bucket || !sameSeries(seriesRow, row))) {
          flush(seriesRow, bucket);
        }
        if (seriesRow < 0 || b != bucket || !sameSeries(seriesRow, row)) {
          seriesRow = row;
          bucket = b;
        }
        add(row);
      }
      if (seriesRow >= 0) {
        flush(seriesRow, bucket);
      }
      return out;
    }

    private boolean sameSeries(int a, int b) {
      for (int t = 0; t < in.schema().tags().size(); t++) {
        String x = in.tagValueAt(t, a);
        String y = in.tagValueAt(t, b);
        if (x == null ? y != null : !x.equals(y)) {
          return false;
        }
      }
      return true;
    }

    @SuppressWarnings("unchecked")
    private void add(int row) {
      for (int f = 0; f < accumulators.length; f++) {
        FieldType type = raw.fields().get(f).type();
        if (!fromRollups) {
          if (!in.isPresent(f, row)) {
            continue;
          }
          long t = in.timeNanos(row);
          switch (type) {
            case FLOAT -> ((FloatRollup) accumulators[f]).add(t, in.doubleValue(f, row));
            case INTEGER, UNSIGNED ->
                ((IntegerRollup) accumulators[f]).add(t, in.longValue(f, row));
            case STRING -> ((ValueRollup<Object>) accumulators[f]).add(t, in.stringValue(f, row));
            case BOOLEAN ->
                ((ValueRollup<Object>) accumulators[f]).add(t, in.longValue(f, row) != 0);
          }
          continue;
        }
        int[] c = inColumns[f];
        if (c[0] < 0 || !in.isPresent(c[0], row) || in.longValue(c[0], row) == 0) {
          continue; // a field the finer rollup lacks (added later) or with no points in this bucket
        }
        long count = in.longValue(c[0], row);
        long firstTime = in.longValue(c[6], row);
        long lastTime = in.longValue(c[7], row);
        switch (type) {
          case FLOAT ->
              ((FloatRollup) accumulators[f])
                  .merge(
                      new FloatBucket(
                          count,
                          in.doubleValue(c[1], row),
                          in.doubleValue(c[2], row),
                          in.doubleValue(c[3], row),
                          firstTime,
                          in.doubleValue(c[4], row),
                          lastTime,
                          in.doubleValue(c[5], row)));
          case INTEGER, UNSIGNED ->
              ((IntegerRollup) accumulators[f])
                  .merge(
                      new IntegerBucket(
                          count,
                          in.longValue(c[1], row),
                          in.longValue(c[2], row),
                          in.longValue(c[3], row),
                          firstTime,
                          in.longValue(c[4], row),
                          lastTime,
                          in.longValue(c[5], row)));
          case STRING ->
              ((ValueRollup<Object>) accumulators[f])
                  .merge(
                      new ValueBucket<>(
                          count,
                          firstTime,
                          in.stringValue(c[4], row),
                          lastTime,
                          in.stringValue(c[5], row)));
          case BOOLEAN ->
              ((ValueRollup<Object>) accumulators[f])
                  .merge(
                      new ValueBucket<>(
                          count,
                          firstTime,
                          in.longValue(c[4], row) != 0,
                          lastTime,
                          in.longValue(c[5], row) != 0));
        }
      }
    }

    /** Emits the series' bucket: one row of aggregates, and empties the accumulators. */
    @SuppressWarnings("unchecked")
    private void flush(int seriesRow, long bucket) {
      out.startRow(bucket);
      for (int t = 0; t < in.schema().tags().size(); t++) {
        out.tag(out.schema().tagIndex(in.schema().tags().get(t)), in.tagValueAt(t, seriesRow));
      }
      for (int f = 0; f < accumulators.length; f++) {
        int[] c = outColumns[f];
        switch (raw.fields().get(f).type()) {
          case FLOAT -> {
            FloatRollup r = (FloatRollup) accumulators[f];
            if (!r.isEmpty()) {
              FloatBucket b = r.snapshot();
              out.setLong(c[0], b.count());
              out.setDouble(c[1], b.sum());
              out.setDouble(c[2], b.min());
              out.setDouble(c[3], b.max());
              out.setDouble(c[4], b.first());
              out.setDouble(c[5], b.last());
              out.setLong(c[6], b.firstTime());
              out.setLong(c[7], b.lastTime());
            }
            r.reset();
          }
          case INTEGER, UNSIGNED -> {
            IntegerRollup r = (IntegerRollup) accumulators[f];
            if (!r.isEmpty()) {
              IntegerBucket b = r.snapshot();
              long[] values = {
                b.count(),
                b.sum(),
                b.min(),
                b.max(),
                b.first(),
                b.last(),
                b.firstTime(),
                b.lastTime()
              };
              for (int i = 0; i < values.length; i++) {
                out.setLong(c[i], values[i]);
              }
            }
            r.reset();
          }
          case STRING, BOOLEAN -> {
            ValueRollup<Object> r = (ValueRollup<Object>) accumulators[f];
            if (!r.isEmpty()) {
              ValueBucket<Object> b = r.snapshot();
              out.setLong(c[0], b.count());
              setValue(c[4], b.first());
              setValue(c[5], b.last());
              out.setLong(c[6], b.firstTime());
              out.setLong(c[7], b.lastTime());
            }
            r.reset();
          }
        }
      }
    }

    private void setValue(int c, Object value) {
      if (value instanceof String s) {
        out.setString(c, s);
      } else {
        out.setBoolean(c, (Boolean) value);
      }
    }
  }
}
