package io.tidewater.federation.route;

import io.tidewater.federation.TimeRange;
import io.tidewater.federation.influx.InfluxTableScan;
import io.tidewater.federation.lake.LakeTable;
import io.tidewater.federation.plan.Binding;
import io.tidewater.federation.plan.MeasurementColumns;
import io.tidewater.federation.plan.PlanDecisions;
import io.tidewater.federation.plan.RuleConfig;
import io.tidewater.federation.plan.TimeBounds;
import io.tidewater.federation.plan.TimeSpan;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.store.local.LocalLakeStore;
import java.util.List;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.Sarg;

/**
 * Chooses the place of a query on a routed table's InfluxDB part that reads only a range both
 * places hold (exported, clean, still hot; {@link Route#lakeToo()}). A query reaching past such a
 * range stays one InfluxDB request.
 *
 * <p>The estimate uses what the ledger knows of the range (files, rows, series) and rough costs
 * from this project's benchmarks: InfluxDB answers a request in about {@value
 * #INFLUX_REQUEST_MICROS} us and reads about 5 M points a second into an aggregate; the lake starts
 * a scan in about {@value #LAKE_QUERY_MICROS} us, opens each file for about {@value
 * #LOCAL_FILE_MICROS} us on a local disk ({@value #REMOTE_FILE_MICROS} us on object storage: a
 * ranged GET per column chunk) and decodes about 40 M rows a second. So a long scan of many series
 * reads the lake, a short read or one of a few series stays on InfluxDB. Where the lake is cheaper,
 * the part's filter over InfluxDB's scan gets an equivalent over the lake's and the adapters' rules
 * push into it what they can (a rollup where one answers exactly).
 */
public final class PlaceChoiceRule extends RelRule<RuleConfig> {

  static final long INFLUX_REQUEST_MICROS = 2_000;
  static final double INFLUX_ROW_MICROS = 0.2;
  static final long LAKE_QUERY_MICROS = 1_000;
  static final long LOCAL_FILE_MICROS = 1_000;
  static final long REMOTE_FILE_MICROS = 20_000;
  static final double LAKE_ROW_MICROS = 0.025;
  static final double MARGIN = 0.8;

  public static final PlaceChoiceRule INSTANCE =
      (PlaceChoiceRule)
          RuleConfig.of(
                  "PlaceChoiceRule",
                  b ->
                      b.operand(LogicalFilter.class)
                          .oneInput(
                              s ->
                                  s.operand(InfluxTableScan.class)
                                      .predicate(scan -> scan.lakeCopy() != null)
                                      .noInputs()),
                  PlaceChoiceRule::new)
              .toRule();

  private PlaceChoiceRule(RuleConfig config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalFilter filter = call.rel(0);
    InfluxTableScan scan = call.rel(1);
    // Only a filter that keeps the scan inside a range the lake holds too: the part's bounds are
    // always among its conjuncts, but the check does not rely on how the planner rewrote them.
    TimeSpan span = TimeBounds.span(filter.getCluster().getRexBuilder(), filter.getCondition());
    LakeTable lake = scan.lakeCopy().unwrapOrThrow(LakeTable.class);
    int series = seriesNamed(filter, lake);
    List<TimeRange> held = scan.lakeRanges();
    boolean lakeChosen = lakeChosen(span.resolve(Binding.planning()), held, lake, series);
    // A plan reused for another range keeps this place only where it would be chosen again.
    PlanDecisions.record(span, range -> lakeChosen(range, held, lake, series), lakeChosen);
    if (lakeChosen) {
      call.transformTo(
          filter.copy(
              filter.getTraitSet(),
              lake.alternativeTo(scan.getCluster(), scan.lakeCopy()),
              filter.getCondition()));
    }
  }

  /** Whether the lake reads {@code reads}: it holds all of it, and reads it cheaper. */
  private static boolean lakeChosen(
      TimeRange reads, List<TimeRange> held, LakeTable lake, int seriesNamed) {
    if (reads.isEmpty() || held.stream().noneMatch(h -> reads.intersect(h).equals(reads))) {
      return false;
    }
    return lakeCheaper(lake, reads, seriesNamed);
  }

  /**
   * The fewest tag values one conjunct of the filter allows ({@code tag = v}: 1, {@code tag IN
   * (...)}: their number), or -1 without such a conjunct. Taken as the number of series read:
   * InfluxDB's index reads only those, while the lake still opens every file, so a narrow read
   * stays on InfluxDB (a tag naming many series makes this an underestimate, erring toward
   * InfluxDB).
   */
  static int seriesNamed(LogicalFilter filter, LakeTable lake) {
    var schema = lake.schema();
    int fewest = -1;
    for (RexNode c :
        TimeBounds.RelConjuncts.of(filter.getCluster().getRexBuilder(), filter.getCondition())) {
      if (!(c instanceof RexCall call)
          || call.getOperands().size() != 2
          || !(call.getOperands().get(0) instanceof RexInputRef ref)
          || MeasurementColumns.kind(schema, ref.getIndex()) != MeasurementColumns.Kind.TAG) {
        continue;
      }
      int values = -1;
      if (call.getKind() == SqlKind.EQUALS
          && (call.getOperands().get(1) instanceof RexLiteral
              || call.getOperands().get(1) instanceof RexDynamicParam)) {
        values = 1;
      } else if (call.getKind() == SqlKind.SEARCH
          && call.getOperands().get(1) instanceof RexLiteral literal) {
        Sarg<?> sarg = literal.getValueAs(Sarg.class);
        values = sarg != null && sarg.isPoints() ? sarg.pointCount : -1;
      }
      if (values >= 0) {
        fewest = fewest < 0 ? values : Math.min(fewest, values);
      }
    }
    return fewest;
  }

  /**
   * Whether reading {@code range} costs less in the lake than in InfluxDB, by the files, rows and
   * series the ledger records there and the number of series a tag filter names (-1: none).
   */
  static boolean lakeCheaper(LakeTable lake, TimeRange range, int seriesNamed) {
    long files = 0;
    double rows = 0;
    double fraction = 1;
    for (WindowVersion w : lake.windows()) {
      long from = Math.max(w.windowStart(), range.from());
      long to = Math.min(w.windowEnd(), range.to());
      if (from < to && !w.deleted()) {
        files += w.files().size();
        long series = w.files().stream().mapToLong(f -> f.series()).sum();
        if (seriesNamed >= 0 && series > 0) {
          fraction = Math.min(fraction, Math.min(1.0, (double) seriesNamed / series));
        }
        rows += (double) w.rows() * (to - from) / (w.windowEnd() - w.windowStart());
      }
    }
    rows *= fraction;
    long perFile =
        lake.ledger().store() instanceof LocalLakeStore ? LOCAL_FILE_MICROS : REMOTE_FILE_MICROS;
    double lakeMicros = LAKE_QUERY_MICROS + files * perFile + rows * LAKE_ROW_MICROS;
    double influxMicros = INFLUX_REQUEST_MICROS + rows * INFLUX_ROW_MICROS;
    // InfluxDB stays the place of hot data unless the lake is clearly cheaper: the estimate is
    // rough.
    return lakeMicros < MARGIN * influxMicros;
  }
}
