package io.tidewater.federation.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ties among series as InfluxDB 1.6.7 (Debian's package, 2 cores) resolved them: each row's points,
 * one per series {@code h00, h01, ...} as {@code seconds:value}, were written to a real influxd,
 * and {@code SELECT first(v)} and {@code SELECT last(v)} answered the values recorded here. The
 * differential test checks the same rule on its data set against a live server.
 */
class SeriesEdgesTest {

  @ParameterizedTest(name = "{0}: first {1}, last {2}")
  @CsvSource({
    "4:1 4:3 4:2 4:0.5, 1, 1",
    "4:1 4:3 4:2 4:5, 5, 5",
    "4:4 4:3 4:2 4:1, 4, 4",
    "4:1 4:2 4:4 4:3, 3, 3",
    "4:5 4:1 4:1 4:1, 5, 5",
    "4:1 4:5 4:1 4:1, 1, 1",
    "4:1 4:1 4:5 4:1, 1, 1",
    "4:1 4:9 4:2, 2, 2",
    "4:1 4:9, 9, 9",
    "4:1 4:3 4:2 4:0.5 4:7, 7, 7",
    "4:1 4:9 4:9 4:9 4:9 4:2, 2, 2",
    "4:3 4:9 4:9 4:9 4:9 4:9 4:2, 3, 3",
    "4:5 4:9 4:9 4:9 4:9 4:9 4:9 4:9 4:9 4:9 4:9 4:2, 5, 5",
    "1:7 4:1 4:9 4:2, 7, 9",
    "4:1 4:9 4:2 1:7, 7, 2",
    "1:7 4:1 4:9 4:2 1:8, 8, 2",
    "4:3 1:9 4:9 4:1 1:9, 9, 3",
    "4:1 1:9 4:5 1:9 4:2, 9, 2",
    "1:9 4:2 1:9 4:8 1:9 4:1 1:9, 9, 8",
  })
  void choosesAsInfluxDb(String points, double first, double last) {
    assertEquals(first, chosen(points, false).value());
    assertEquals(last, chosen(points, true).value());
  }

  /** Series without a point in the edge shard group (seven days, from Mondays) take no part. */
  @ParameterizedTest(name = "{0}: first {1}, last {2}")
  @CsvSource({
    "1:5 700000:1 700000:3, 5, 3",
    "1:7 700000:1 700000:9 700000:2, 7, 2",
    "1:7 1:1 1:9 1:2 700000:4, 7, 4",
    "700000:7 1:1 1:9 1:2 700000:4, 2, 7",
  })
  void onlyTheEdgeShardGroupCounts(String points, double first, double last) {
    choosesAsInfluxDb(points, first, last);
  }

  private static SeriesEdges.Point chosen(String points, boolean last) {
    SeriesEdges edges = new SeriesEdges(last);
    String[] specs = points.split(" ");
    for (int i = specs.length - 1; i >= 0; i--) {
      String[] tv = specs[i].split(":");
      @SuppressWarnings("unchecked")
      Comparable<Object> value = (Comparable<Object>) (Object) Double.valueOf(tv[1]);
      edges.offer(String.format(",host=h%02d", i), value, Long.parseLong(tv[0]) * 1000);
    }
    return edges.choose();
  }
}
