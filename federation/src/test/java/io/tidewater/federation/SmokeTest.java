package io.tidewater.federation;

import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void smoke() {
    FederationFixture f = FederationFixture.get();
    String db = f.database;
    for (String sql : List.of(
        "SELECT COUNT(*) FROM \"" + db + "\".cpu",
        "SELECT host, COUNT(usage_user), AVG(usage_user) FROM \"" + db + "\".cpu GROUP BY host",
        "SELECT FLOOR(\"time\" TO DAY) d, SUM(usage_user) FROM \"" + db + "\".cpu WHERE host = 'a' GROUP BY FLOOR(\"time\" TO DAY)",
        "SELECT * FROM \"" + db + "\".cpu ORDER BY \"time\" DESC LIMIT 3")) {
      System.out.println(sql);
      System.out.println(f.engine.explain(sql).plan());
      System.out.println(f.engine.explain(sql).parts());
      try (SqlResult r = f.engine.query(sql, 1000, java.time.Duration.ofSeconds(60))) {
        Object[] row;
        int n = 0;
        while ((row = r.next()) != null && n++ < 5) {
          System.out.println(java.util.Arrays.toString(row));
        }
      }
    }
  }
}
