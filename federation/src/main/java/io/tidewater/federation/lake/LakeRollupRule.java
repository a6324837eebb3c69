package io.tidewater.federation.lake;

import io.tidewater.federation.TimeRange;
import io.tidewater.federation.plan.Binding;
import io.tidewater.federation.plan.PlanDecisions;
import io.tidewater.federation.plan.Pushdown;
import io.tidewater.federation.plan.RuleConfig;
import io.tidewater.federation.plan.ScanColumn;
import io.tidewater.federation.plan.SchemaNames;
import io.tidewater.federation.plan.TimeSpan;
import io.tidewater.lifecycle.export.RollupSchema;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.rollup.FieldType;
import io.tidewater.policy.rollup.QueryAggregate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.RelNode;

/**
 * Answers a lake aggregate from the coarsest rollup that answers it exactly (docs/architecture.md,
 * queries): its buckets are whole multiples of the rollup's, the rollup holds every window the raw
 * scan would read over the range's whole rollup buckets, and each aggregate re-aggregates (COUNT as
 * the sum of counts, SUM of sums, MIN of mins, MAX of maxes, the mean as SUM of sums over SUM of
 * counts). Where the range starts or ends inside a rollup bucket (a dashboard's range in
 * milliseconds), those uneven edges are aggregated from raw rows and merged into the rollup's
 * groups. The rollup, or none, that reads the fewest rows (estimated from the windows' row counts)
 * is chosen; otherwise the raw scan stays.
 */
public final class LakeRollupRule extends RelRule<RuleConfig> {

  static final RuleConfig CONFIG =
      RuleConfig.of(
          "LakeRollupRule", b -> b.operand(LakeAggregate.class).anyInputs(), LakeRollupRule::new);

  private LakeRollupRule(RuleConfig config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LakeAggregate aggregate = call.rel(0);
    LakeQueryBuilder raw = new LakeQueryBuilder();
    if (!build(aggregate.getInput(), raw) || raw.table == null || !raw.table.resolution().isRaw()) {
      return;
    }
    long width = aggregate.bucketMillis();
    if (width <= 0) {
      return;
    }
    List<ScanColumn> columns = new ArrayList<>();
    for (ScanColumn c : aggregate.columns()) {
      if (c instanceof ScanColumn.Aggregate a) {
        ScanColumn.Aggregate mapped = rollupOf(a);
        if (mapped == null) {
          return;
        }
        columns.add(mapped);
      } else {
        columns.add(c);
      }
    }
    RelOptTable rawTable = raw.tableScan.getTable();
    List<String> name = rawTable.getQualifiedName();
    List<Candidate> candidates = new ArrayList<>();
    for (Resolution r : resolutions(rawTable)) {
      long step = r.width().toMillis();
      if (width % step != 0) {
        continue;
      }
      RelOptTable t =
          rawTable
              .getRelOptSchema()
              .getTableForMember(List.of(SchemaNames.rollupSchema(r), name.get(1), name.get(2)));
      LakeTable table = t == null ? null : t.unwrap(LakeTable.class);
      if (table != null) {
        candidates.add(new Candidate(t, table, step * 1_000_000L));
      }
    }
    List<WindowVersion> every = everyWindow(rawTable, raw.table, name);
    LakeTable rawTableData = raw.table;
    // The choice depends on the range: a plan reused for another range keeps it only where it
    // comes out the same (the same rollup, the same raw edges present).
    Function<TimeRange, Object> decide =
        range -> choose(range, rawTableData, candidates, every).key();
    Choice best = choose(raw.range.resolve(Binding.planning()), raw.table, candidates, every);
    PlanDecisions.record(raw.range, decide, best.key());
    if (best.candidate() < 0) {
      return;
    }
    Candidate chosen = candidates.get(best.candidate());
    List<LakeAggregate.Edge> edgeQueries = new ArrayList<>();
    for (boolean below : new boolean[] {true, false}) {
      if (below ? !best.lowerEdge() : !best.upperEdge()) {
        continue;
      }
      TimeSpan edge = new TimeSpan.Edge(raw.range, chosen.stepNanos(), below);
      edgeQueries.add(
          new LakeAggregate.Edge(
              new LakeQuery(
                  raw.table,
                  raw.tableName,
                  edge.resolve(Binding.planning()),
                  TagCondition.resolve(raw.tags, Binding.planning()),
                  aggregate.columns(),
                  true,
                  width,
                  aggregate.groupTags(),
                  false,
                  -1,
                  List.of()),
              edge,
              raw.tags));
    }
    LakeTableScan scan =
        new LakeTableScan(aggregate.getCluster(), chosen.relTable(), chosen.table());
    RelNode input =
        new LakeFilter(
            aggregate.getCluster(),
            scan.getTraitSet(),
            scan,
            new TimeSpan.Inner(raw.range, chosen.stepNanos()),
            raw.tags);
    call.transformTo(
        new LakeAggregate(
            aggregate.getCluster(),
            aggregate.getTraitSet(),
            input,
            width,
            aggregate.groupTags(),
            columns,
            aggregate.getRowType(),
            edgeQueries));
  }

  /** A rollup that could answer: its table and its buckets' width. */
  private record Candidate(RelOptTable relTable, LakeTable table, long stepNanos) {}

  /**
   * What reads {@code range} fewest rows: the raw scan ({@code candidate} -1), or a rollup's whole
   * buckets with the raw edges present around them.
   */
  private record Choice(int candidate, boolean lowerEdge, boolean upperEdge) {
    List<Object> key() {
      return List.of(candidate, lowerEdge, upperEdge);
    }
  }

  /**
   * The rows read: the whole range raw, or whole rollup buckets plus the raw rows of the uneven
   * edges (a dashboard's range, in milliseconds, rarely starts on a bucket).
   */
  private static Choice choose(
      TimeRange range, LakeTable raw, List<Candidate> candidates, List<WindowVersion> every) {
    double rawDensity = density(raw.windows());
    double bestCost = rawDensity * span(range, raw.windows());
    Choice best = new Choice(-1, false, false);
    for (int i = 0; i < candidates.size(); i++) {
      Candidate c = candidates.get(i);
      TimeRange middle = TimeSpan.inner(range, c.stepNanos());
      if (middle.isEmpty() || !covers(c.table().windows(), every, middle)) {
        continue;
      }
      List<TimeRange> edges = new ArrayList<>();
      boolean lower = middle.from() > range.from();
      boolean upper = middle.to() < range.to();
      if (lower) {
        edges.add(new TimeRange(range.from(), middle.from()));
      }
      if (upper) {
        edges.add(new TimeRange(middle.to(), range.to()));
      }
      if (!edges.stream().allMatch(raw::rawKept)) {
        continue;
      }
      double cost = density(c.table().windows()) * span(middle, c.table().windows());
      for (TimeRange e : edges) {
        cost += rawDensity * span(e, raw.windows());
      }
      // Ties go to the coarser rollup (resolutions come finest first).
      if (best.candidate() < 0 ? cost < bestCost || edges.isEmpty() : cost <= bestCost) {
        best = new Choice(i, lower, upper);
        bestCost = cost;
      }
    }
    return best;
  }

  /** Rows per nanosecond of the windows (0 without any). */
  private static double density(List<WindowVersion> windows) {
    double rows = 0;
    double nanos = 0;
    for (WindowVersion w : windows) {
      rows += w.rows();
      nanos += w.windowEnd() - w.windowStart();
    }
    return nanos == 0 ? 0 : rows / nanos;
  }

  /** The nanoseconds of {@code range} that the windows cover. */
  private static double span(TimeRange range, List<WindowVersion> windows) {
    double nanos = 0;
    for (WindowVersion w : windows) {
      long from = Math.max(w.windowStart(), range.from());
      long to = Math.min(w.windowEnd(), range.to());
      if (from < to) {
        nanos += to - from;
      }
    }
    return nanos;
  }

  /**
   * COUNT, SUM, MIN, MAX of a field as the aggregate of its rollup column; null for what does not
   * re-aggregate.
   */
  private static ScanColumn.Aggregate rollupOf(ScanColumn.Aggregate a) {
    if (a.field() == null) {
      return null; // COUNT(*): rows, which a rollup does not keep
    }
    // An un-split AVG: a routed query splits it into SUM and COUNT (which re-aggregate) before this
    // rule.
    QueryAggregate combined = a.function().combinedBy();
    if (combined == null) {
      return null;
    }
    String column = RollupSchema.column(a.field(), a.function().needs().get(0));
    return a.function() == QueryAggregate.COUNT
        ? new ScanColumn.Aggregate(combined, column, FieldType.INTEGER, true)
        : new ScanColumn.Aggregate(combined, column, a.resultType(), a.zeroWhenEmpty());
  }

  /** The rollup resolutions with tables: the {@code lake_<resolution>} schemas. */
  private static List<Resolution> resolutions(RelOptTable rawTable) {
    List<Resolution> out = new ArrayList<>();
    if (!(rawTable.getRelOptSchema() instanceof CalciteCatalogReader reader)) {
      return out;
    }
    for (String schema : reader.getRootSchema().getSubSchemaMap().keySet()) {
      SchemaNames.rollupResolution(schema).ifPresent(out::add);
    }
    out.sort(Comparator.comparing(Resolution::width));
    return out;
  }

  /**
   * Whether the rollup has a window over every window the lake holds in the range at any resolution
   * (raw, or another rollup where raw was dropped): a rollup missing there would answer short.
   */
  private static boolean covers(
      List<WindowVersion> rollup, List<WindowVersion> others, TimeRange range) {
    TreeMap<Long, Long> windows = new TreeMap<>();
    for (WindowVersion w : rollup) {
      windows.put(w.windowStart(), w.windowEnd());
    }
    for (WindowVersion w : others) {
      if (w.windowEnd() > range.from() && w.windowStart() < range.to()) {
        var before = windows.lowerEntry(w.windowEnd());
        if (before == null || before.getValue() <= w.windowStart()) {
          return false;
        }
      }
    }
    return true;
  }

  /** The windows of the raw table and of every rollup of the measurement. */
  private static List<WindowVersion> everyWindow(
      RelOptTable rawTable, LakeTable raw, List<String> name) {
    List<WindowVersion> all = new ArrayList<>(raw.windows());
    for (Resolution r : resolutions(rawTable)) {
      RelOptTable t =
          rawTable
              .getRelOptSchema()
              .getTableForMember(List.of(SchemaNames.rollupSchema(r), name.get(1), name.get(2)));
      LakeTable table = t == null ? null : t.unwrap(LakeTable.class);
      if (table != null) {
        all.addAll(table.windows());
      }
    }
    return all;
  }

  /**
   * Visits a chain of lake filters and projections down to the scan; false if something else is in
   * it.
   */
  private static boolean build(RelNode node, LakeQueryBuilder builder) {
    for (RelNode rel : Pushdown.alternatives(node)) {
      if (rel instanceof LakeTableScan scan) {
        scan.implement(builder);
        builder.tableScan = scan;
        return true;
      }
      if (rel instanceof LakeFilter filter && build(filter.getInput(), builder)) {
        filter.narrow(builder);
        return true;
      }
      if (rel instanceof LakeProject project && build(project.getInput(), builder)) {
        return true;
      }
    }
    return false;
  }
}
