package io.tidewater.lifecycle.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tidewater.policy.Compression;
import io.tidewater.policy.TimestampPrecision;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Files the writer makes, read by DuckDB: per-series counts, sums and extremes agree with the
 * input.
 */
class WriterDuckDbTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Compression.class)
  void duckDbReadsWhatWasWritten(Compression codec, @TempDir Path dir) {
    List<Fixtures.Row> rows = Fixtures.rows(1, 20, 500, 1_736_935_200_000_000_000L, false);
    Path file = dir.resolve("part.parquet");
    FileSummary summary =
        TimeSeriesWriter.write(
            Fixtures.load(rows, 2),
            new LocalOutputFile(file),
            new WriteOptions(codec, TimestampPrecision.MICROS, 1 << 20, 64 << 10));
    assertEquals(rows.size(), summary.rows());
    assertEquals(20, summary.series());

    String table = "read_parquet(" + DuckDb.literal(file.toString()) + ")";
    List<List<Object>> got =
        DuckDb.query(
            "SELECT \"host\", count(*), count(\"usage\"), "
                + "sum(\"usage\") FILTER (WHERE isfinite(\"usage\")), min(\"count\"), max(\"count\"), sum(\"big\"::HUGEINT),"
                + " count(\"note, text\"), min(\"usage\") FILTER (WHERE isfinite(\"usage\")),"
                + " max(\"usage\") FILTER (WHERE isfinite(\"usage\")) FROM "
                + table
                + " GROUP BY 1 ORDER BY 1");
    Map<String, List<Fixtures.Row>> bySeries =
        rows.stream()
            .collect(Collectors.groupingBy(Fixtures.Row::host, TreeMap::new, Collectors.toList()));
    assertEquals(bySeries.size(), got.size());
    int i = 0;
    for (var entry : bySeries.entrySet()) {
      List<Object> g = got.get(i++);
      List<Fixtures.Row> s = entry.getValue();
      assertEquals(entry.getKey(), g.get(0));
      assertEquals((long) s.size(), ((Number) g.get(1)).longValue());
      assertEquals(
          s.stream().filter(r -> r.usage() != null).count(), ((Number) g.get(2)).longValue());
      double sum =
          s.stream()
              .filter(r -> r.usage() != null && Double.isFinite(r.usage()))
              .mapToDouble(Fixtures.Row::usage)
              .sum();
      assertEquals(sum, ((Number) g.get(3)).doubleValue(), 1e-6);
      assertEquals(
          s.stream()
              .filter(r -> r.count() != null)
              .mapToLong(Fixtures.Row::count)
              .min()
              .orElseThrow(),
          ((Number) g.get(4)).longValue());
      assertEquals(
          s.stream()
              .filter(r -> r.count() != null)
              .mapToLong(Fixtures.Row::count)
              .max()
              .orElseThrow(),
          ((Number) g.get(5)).longValue());
      BigInteger big =
          s.stream()
              .filter(r -> r.big() != null)
              .map(r -> new BigInteger(Long.toUnsignedString(r.big())))
              .reduce(BigInteger.ZERO, BigInteger::add);
      assertEquals(
          big,
          new BigDecimal(g.get(6).toString()).toBigInteger(),
          "unsigned values read as unsigned");
      assertEquals(
          s.stream().filter(r -> r.note() != null).count(), ((Number) g.get(7)).longValue());
      var finite =
          s.stream()
              .filter(r -> r.usage() != null && Double.isFinite(r.usage()))
              .mapToDouble(Fixtures.Row::usage);
      var stats = finite.summaryStatistics();
      assertEquals(stats.getMin(), ((Number) g.get(8)).doubleValue());
      assertEquals(stats.getMax(), ((Number) g.get(9)).doubleValue());
    }
  }
}
