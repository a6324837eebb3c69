package io.tidewater.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With InfluxDB down, what the lake holds still answers; what only InfluxDB holds fails naming it. */
class InfluxOutageTest {

  @Test
  void coldRangesAnswerAndHotRangesNameInfluxDb() throws Exception {
    FederationFixture f = FederationFixture.get();
    String table = "\"" + f.database + "\".cpu";
    String cold = "SELECT host, COUNT(*), SUM(usage_user) FROM " + table
        + " WHERE \"time\" >= TIMESTAMP '2025-05-05 00:00:00' AND \"time\" < TIMESTAMP '2025-05-20 00:00:00' GROUP BY host";
    List<List<Object>> before = rows(f, cold);
    f.influx.stop();
    try {
      assertEquals(before, rows(f, cold));
      TidewaterException e = assertThrows(TidewaterException.class, () -> rows(f, "SELECT COUNT(*) FROM " + table
          + " WHERE \"time\" >= TIMESTAMP '2025-05-28 00:00:00'"));
      assertEquals(ErrorCode.INFLUXDB_UNAVAILABLE, e.code());
      assertTrue(e.getMessage().contains("InfluxDB at " + f.influx.url()), e.getMessage());
    } finally {
      f.influx.restart();
    }
    assertEquals(3, before.size());
  }

  private static List<List<Object>> rows(FederationFixture f, String sql) {
    List<List<Object>> rows = new java.util.ArrayList<>();
    try (SqlResult r = f.engine.query(sql, 1000, Duration.ofSeconds(30))) {
      Object[] row;
      while ((row = r.next()) != null) {
        rows.add(List.of(row));
      }
    }
    rows.sort(java.util.Comparator.comparing(Object::toString));
    return rows;
  }
}
