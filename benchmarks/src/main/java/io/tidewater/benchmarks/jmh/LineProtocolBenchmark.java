package io.tidewater.benchmarks.jmh;

import io.tidewater.lifecycle.cdc.LineProtocol;
import java.nio.charset.StandardCharsets;
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
 * A write request of 5,000 Telegraf-shaped lines (3 tags, 4 fields of mixed types): parsed into
 * points, and checked as {@code /write} does (measurement and time kept).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LineProtocolBenchmark {

  private byte[] body;

  @Setup
  public void setUp() {
    Random random = new Random(1);
    StringBuilder s = new StringBuilder();
    long now = 1_763_700_000_000_000_000L;
    for (int i = 0; i < 5_000; i++) {
      int host = random.nextInt(500);
      s.append(i % 2 == 0 ? "cpu" : "mem")
          .append(",host=server-")
          .append(host)
          .append(",region=eu-")
          .append(host % 7)
          .append(",dc=dc")
          .append(host % 3)
          .append(" usage=")
          .append(random.nextInt(10_000) / 100.0)
          .append(",count=")
          .append(random.nextInt(1_000_000))
          .append("i,ok=")
          .append(random.nextBoolean())
          .append(",state=\"running\" ")
          .append(now - i * 1_000_000_000L)
          .append('\n');
    }
    body = s.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public LineProtocol.Result parse5000Lines() {
    LineProtocol.Result r = LineProtocol.parse(body, LineProtocol.Precision.NANOSECONDS, 0);
    if (!r.errors().isEmpty()) {
      throw new IllegalStateException(r.errors().get(0).message());
    }
    return r;
  }

  /** What the write targets do with each batch: check every line, keep measurement and time. */
  @Benchmark
  public LineProtocol.Stamps check5000Lines() {
    LineProtocol.Stamps r = LineProtocol.stamps(body, LineProtocol.Precision.NANOSECONDS, 0);
    if (!r.errors().isEmpty()) {
      throw new IllegalStateException(r.errors().get(0).message());
    }
    return r;
  }
}
