package io.tidewater.federation.influx;

import java.util.Locale;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.hint.HintPredicates;
import org.apache.calcite.rel.hint.HintStrategyTable;

/**
 * The table hint {@code /*+ influxql_groups *}{@code /} the InfluxQL translation puts on the routed
 * tables it aggregates: its answers are shaped into InfluxDB's series, which fill empty buckets
 * themselves, so a SQL group where no aggregated field has a value (a bucket or tag set with points
 * of other fields only) may be left out. InfluxDB is then asked for the aggregated fields only, not
 * also to count every other field to find such groups ({@link InfluxQueryBuilder}).
 */
public final class InfluxQlGroups {

  /** The hint's name. */
  public static final String HINT = "influxql_groups";

  /** The hint strategies of the SQL-to-relational conversion: this hint applies to table scans. */
  public static final HintStrategyTable STRATEGIES =
      HintStrategyTable.builder().hintStrategy(HINT, HintPredicates.TABLE_SCAN).build();

  private InfluxQlGroups() {}

  /** Whether the table being converted carries the hint. */
  static boolean hinted(RelOptTable.ToRelContext context) {
    return context.getTableHints().stream()
        .anyMatch(h -> h.hintName.toLowerCase(Locale.ROOT).equals(HINT));
  }
}
