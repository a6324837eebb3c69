package io.tidewater.policy.rollup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.LongToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RollupTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long MINUTE = 60 * SECOND;
  private static final long HOUR = 60 * MINUTE;

  /** Irregular times over three hours, some minutes empty, out of order as exports may see them. */
  private static long[] times(long seed, int n) {
    Random random = new Random(seed);
    long[] times = random.longs(n, 0, 3 * HOUR).map(t -> t - t % 1000).distinct().toArray();
    return times;
  }

  static Stream<Arguments> floatSeries() {
    return Stream.of(
        Arguments.of(
            named("quarter values: sums exact in any order", 1L),
            (LongToDoubleFunction) t -> ((t / SECOND) % 400 - 200) * 0.25),
        Arguments.of(named("constant", 2L), (LongToDoubleFunction) t -> 42.0),
        Arguments.of(
            named("negative and positive", 3L),
            (LongToDoubleFunction) t -> (t / SECOND) % 2 == 0 ? -1.5 : 2.75));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("floatSeries")
  void mergingMinuteBucketsEqualsAggregatingRawPointsPerHour(
      long seed, LongToDoubleFunction value) {
    long[] times = times(seed, 2000);
    Map<Long, FloatBucket> direct = aggregate(times, value, HOUR);
    Map<Long, FloatBucket> minutes = aggregate(times, value, MINUTE);
    Map<Long, FloatBucket> merged = merge(minutes, HOUR);
    assertEquals(direct, merged);
    assertEquals(3, direct.size());
  }

  @Test
  void realisticDoublesAgreeUpToRoundingOfTheSum() {
    long[] times = times(7L, 5000);
    Random random = new Random(11);
    double[] values = random.doubles(times.length, -1e3, 1e6).toArray();
    Map<Long, Integer> index = new TreeMap<>();
    for (int i = 0; i < times.length; i++) {
      index.put(times[i], i);
    }
    LongToDoubleFunction v = t -> values[index.get(t)];
    Map<Long, FloatBucket> direct = aggregate(times, v, HOUR);
    Map<Long, FloatBucket> merged = merge(aggregate(times, v, MINUTE), HOUR);
    for (long hour : direct.keySet()) {
      FloatBucket d = direct.get(hour);
      FloatBucket m = merged.get(hour);
      assertEquals(d.count(), m.count());
      assertEquals(d.min(), m.min());
      assertEquals(d.max(), m.max());
      assertEquals(d.firstTime(), m.firstTime());
      assertEquals(d.first(), m.first());
      assertEquals(d.lastTime(), m.lastTime());
      assertEquals(d.last(), m.last());
      assertEquals(d.sum(), m.sum(), Math.abs(d.sum()) * 1e-12, "sums differ only by rounding");
      assertEquals(d.mean(), m.mean(), Math.abs(d.mean()) * 1e-12);
    }
  }

  @Test
  void integerBucketsStayExactBeyondDoublePrecision() {
    long big = (1L << 53) + 1; // not representable as a double
    IntegerRollup a = new IntegerRollup(false);
    a.add(1, big);
    a.add(2, -2L);
    IntegerRollup b = new IntegerRollup(false);
    b.add(3, big + 2);
    IntegerRollup total = new IntegerRollup(false);
    total.merge(b.snapshot());
    total.merge(a.snapshot());
    assertEquals(new IntegerBucket(3, 2 * big, -2, big + 2, 1, big, 3, big + 2), total.snapshot());
  }

  @Test
  void unsignedValuesCompareUnsigned() {
    long huge = -1L; // 2^64 - 1 as unsigned
    IntegerRollup r = new IntegerRollup(true);
    r.add(1, 5);
    r.add(2, huge);
    IntegerBucket b = r.snapshot();
    assertEquals(5, b.min());
    assertEquals("18446744073709551615", Long.toUnsignedString(b.max()));
  }

  @Test
  void stringBucketsMergeTheirCountFirstAndLast() {
    ValueRollup<String> early = new ValueRollup<>();
    early.add(10, "b");
    early.add(5, "a");
    ValueRollup<String> late = new ValueRollup<>();
    late.add(30, "z");
    late.add(20, "y");
    ValueRollup<String> all = new ValueRollup<>();
    all.merge(late.snapshot());
    all.merge(new ValueRollup<String>().snapshot()); // an empty bucket changes nothing
    all.merge(early.snapshot());
    assertEquals(new ValueBucket<>(4, 5, "a", 30, "z"), all.snapshot());
  }

  @Test
  void resetEmptiesAReusedAccumulator() {
    FloatRollup r = new FloatRollup();
    r.add(1, 5.0);
    r.reset();
    assertTrue(r.isEmpty());
    r.add(2, 3.0);
    assertEquals(new FloatBucket(1, 3.0, 3.0, 3.0, 2, 3.0, 2, 3.0), r.snapshot());
  }

  @Test
  void aggregatesKeptPerFieldType() {
    assertEquals(List.of(RollupAggregate.values()), RollupAggregate.keptFor(FieldType.FLOAT));
    assertEquals(
        List.of(RollupAggregate.COUNT, RollupAggregate.FIRST, RollupAggregate.LAST),
        RollupAggregate.keptFor(FieldType.STRING));
    assertEquals(List.of(RollupAggregate.SUM, RollupAggregate.COUNT), QueryAggregate.MEAN.needs());
    assertTrue(QueryAggregate.MEAN.answerableFor(FieldType.INTEGER));
    assertTrue(!QueryAggregate.MEAN.answerableFor(FieldType.BOOLEAN));
    assertTrue(QueryAggregate.LAST.answerableFor(FieldType.BOOLEAN));
    assertEquals(FieldType.UNSIGNED, FieldType.fromInflux("unsigned"));
  }

  private static Map<Long, FloatBucket> aggregate(
      long[] times, LongToDoubleFunction value, long width) {
    Map<Long, FloatRollup> buckets = new TreeMap<>();
    for (long t : times) {
      buckets.computeIfAbsent(t - t % width, k -> new FloatRollup()).add(t, value.applyAsDouble(t));
    }
    Map<Long, FloatBucket> out = new TreeMap<>();
    buckets.forEach((k, r) -> out.put(k, r.snapshot()));
    return out;
  }

  private static Map<Long, FloatBucket> merge(Map<Long, FloatBucket> fine, long width) {
    Map<Long, FloatRollup> coarse = new TreeMap<>();
    List<Long> keys = new ArrayList<>(fine.keySet());
    Collections.shuffle(keys, new Random(5)); // merge order must not matter
    for (long k : keys) {
      coarse.computeIfAbsent(k - k % width, x -> new FloatRollup()).merge(fine.get(k));
    }
    Map<Long, FloatBucket> out = new TreeMap<>();
    coarse.forEach((k, r) -> out.put(k, r.snapshot()));
    return out;
  }
}
