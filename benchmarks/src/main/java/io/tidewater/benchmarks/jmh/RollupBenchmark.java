package io.tidewater.benchmarks.jmh;

import io.tidewater.lifecycle.export.Downsampler;
import io.tidewater.lifecycle.parquet.FieldColumn;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.lifecycle.parquet.SeriesRows;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.rollup.FieldType;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Rollups of one exported window: 100 hosts x 1 hour at 10 s (36,000 rows; 2 float fields, an
 * integer and a string) into 1-minute buckets, and those re-aggregated into 1-hour buckets.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RollupBenchmark {

  private static final long START = 1_735_689_600_000_000_000L;
  private SeriesRows raw;
  private SeriesRows minutes;
  private final Resolution minute = Resolution.rollup(Duration.ofMinutes(1));
  private final Resolution hour = Resolution.rollup(Duration.ofHours(1));

  @Setup
  public void setUp() {
    MeasurementSchema schema =
        new MeasurementSchema(
            "cpu",
            List.of("host"),
            List.of(
                new FieldColumn("user", FieldType.FLOAT),
                    new FieldColumn("system", FieldType.FLOAT),
                new FieldColumn("procs", FieldType.INTEGER),
                    new FieldColumn("state", FieldType.STRING)));
    raw = new SeriesRows(schema);
    // The schema orders fields by name.
    int user = schema.fieldIndex("user");
    int system = schema.fieldIndex("system");
    int procs = schema.fieldIndex("procs");
    int state = schema.fieldIndex("state");
    Random random = new Random(1);
    for (int h = 0; h < 100; h++) {
      double walk = 50;
      for (int i = 0; i < 360; i++) {
        walk += random.nextGaussian();
        raw.startRow(START + i * 10_000_000_000L);
        raw.tag(0, String.format("host-%03d", h));
        raw.setDouble(user, Math.round(walk * 100) / 100.0);
        raw.setDouble(system, Math.round(walk * 10) / 100.0);
        raw.setLong(procs, 100 + random.nextInt(50));
        raw.setString(state, i % 97 == 0 ? "degraded" : "running");
      }
    }
    minutes = Downsampler.rollup(raw, minute);
  }

  @Benchmark
  public SeriesRows rawToMinutes() {
    return Downsampler.rollup(raw, minute);
  }

  @Benchmark
  public SeriesRows minutesToHours() {
    return Downsampler.reaggregate(minutes, raw.schema(), hour);
  }
}
