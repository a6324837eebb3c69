package io.tidewater.federation.lake;

import io.tidewater.federation.Executions;
import io.tidewater.federation.TimeRange;
import io.tidewater.federation.plan.ScanColumn;
import io.tidewater.federation.plan.ScanQuery;
import io.tidewater.lifecycle.lake.DataFile;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.lifecycle.parquet.ScanSpec;
import io.tidewater.policy.rollup.QueryAggregate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;

/**
 * One lake scan as planned: the windows' time range, the tag values kept, the columns produced (raw
 * rows, or groups aggregated while decoding), and for a top-N by time its order and limit ({@code
 * limit} -1: all rows). The files are listed from the ledger when the scan runs, so a plan never
 * reads a replaced file.
 *
 * @param edges for an aggregate read from a rollup over the whole rollup buckets of a range that
 *     does not start or end on one: the same aggregate over the raw rows of the uneven head and
 *     tail, merged into the rollup's groups ({@link LakeRollupRule}); empty otherwise
 */
public record LakeQuery(
    LakeTable table,
    List<String> tableName,
    TimeRange range,
    Map<String, Set<String>> tagValues,
    List<ScanColumn> columns,
    boolean aggregated,
    long bucketMillis,
    List<String> groupTags,
    boolean descending,
    long limit,
    List<LakeQuery> edges)
    implements ScanQuery {

  public LakeQuery {
    edges = List.copyOf(edges);
  }

  /** The same scan over {@code other} (an edge of a rollup read, for a run's own range). */
  LakeQuery withRange(TimeRange other) {
    return with(other, tagValues, edges);
  }

  /** The same scan keeping {@code values} of the tags (an edge's, for a run's own values). */
  LakeQuery withTags(Map<String, Set<String>> values) {
    return with(range, values, edges);
  }

  private LakeQuery with(
      TimeRange other, Map<String, Set<String>> otherTags, List<LakeQuery> otherEdges) {
    return new LakeQuery(
        table,
        tableName,
        other,
        otherTags,
        columns,
        aggregated,
        bucketMillis,
        groupTags,
        descending,
        limit,
        otherEdges);
  }

  /**
   * The files to read of {@code windows} (those overlapping the range): those whose rows overlap it
   * too.
   */
  private List<DataFile> files(List<WindowVersion> windows) {
    List<DataFile> files = new ArrayList<>();
    if (range.isEmpty()) {
      return files;
    }
    for (WindowVersion w : windows) {
      if (w.rows() > 0) {
        for (DataFile f : w.files()) {
          if (f.maxTime() >= range.from() && f.minTime() < range.to()) {
            files.add(f);
          }
        }
      }
    }
    return files;
  }

  /** The windows overlapping the range, as the ledger lists them now. */
  private List<WindowVersion> windowsRead() {
    return table.windows().stream()
        .filter(w -> w.windowEnd() > range.from() && w.windowStart() < range.to())
        .toList();
  }

  /** How many windows the scan reads (for EXPLAIN). */
  public long windows() {
    return windowsRead().size();
  }

  /** What the scan reads and computes, for EXPLAIN. */
  public String describe() {
    StringBuilder s =
        new StringBuilder("scan ")
            .append(String.join(".", tableName))
            .append(" windows=")
            .append(windows());
    if (!tagValues.isEmpty()) {
      s.append(" tags=").append(LakeFilter.describe(tagValues));
    }
    s.append(" columns=").append(columnsRead());
    if (limit >= 0) {
      s.append(" order=time").append(descending ? " DESC" : "").append(" limit=").append(limit);
    }
    if (aggregated) {
      s.append(" aggregate=")
          .append(
              columns.stream()
                  .filter(c -> c instanceof ScanColumn.Aggregate)
                  .map(
                      c ->
                          ((ScanColumn.Aggregate) c).function().influxQl()
                              + "("
                              + (((ScanColumn.Aggregate) c).field() == null
                                  ? "*"
                                  : ((ScanColumn.Aggregate) c).field())
                              + ")")
                  .toList());
      if (bucketMillis > 0 || !groupTags.isEmpty()) {
        s.append(" group=")
            .append(bucketMillis > 0 ? "[bucket " + bucketMillis + "ms]" : "")
            .append(groupTags);
      }
    }
    for (LakeQuery edge : edges) {
      s.append(" + raw ").append(edge.range()).append(" windows=").append(edge.windows());
    }
    return s.toString();
  }

  /** The columns decoded from the files. */
  List<String> columnsRead() {
    Set<String> names = new LinkedHashSet<>();
    for (ScanColumn c : columns) {
      if (c instanceof ScanColumn.Time || c instanceof ScanColumn.Bucket) {
        names.add(MeasurementSchema.TIME);
      } else if (c instanceof ScanColumn.Tag t) {
        names.add(t.name());
      } else if (c instanceof ScanColumn.Field f) {
        names.add(f.name());
      } else if (c instanceof ScanColumn.Aggregate a && a.field() != null) {
        names.add(a.field());
      }
    }
    return List.copyOf(names);
  }

  ScanSpec spec() {
    MeasurementSchema schema = table.schema();
    List<String> read = columnsRead();
    // Tags filtered on are decoded too: the reader compares their values row by row.
    Set<String> tagSet =
        new LinkedHashSet<>(read.stream().filter(n -> schema.tagIndex(n) >= 0).toList());
    tagSet.addAll(tagValues.keySet());
    List<String> tags = List.copyOf(tagSet);
    List<String> fields = read.stream().filter(n -> schema.fieldIndex(n) >= 0).toList();
    return new ScanSpec(
        schema,
        read.contains(MeasurementSchema.TIME),
        tags,
        fields,
        range.from(),
        range.to(),
        tagValues);
  }

  /** The rows; called by generated code. */
  public Enumerable<Object[]> enumerable() {
    return enumerable(null);
  }

  /**
   * The rows, for the statement of {@code root}: an aggregate or top-N computed before the first
   * row checks whether the statement was stopped and charges its groups to its memory budget
   * ({@link io.tidewater.federation.Executions#checkpoint}); called by generated code.
   */
  public Enumerable<Object[]> enumerable(DataContext root) {
    if (!range.isEmpty() && table.resolution().isRaw()) {
      table.checkRawKept(range, tableName);
    }
    if (range.isEmpty()) {
      return aggregated && bucketMillis == 0 && groupTags.isEmpty()
          ? Linq4j.singletonEnumerable(new LakeAggregator(this, spec(), root).emptyRow())
          : Linq4j.emptyEnumerable();
    }
    if (!edges.isEmpty()) {
      return Linq4j.asEnumerable(withEdges(root));
    }
    if (aggregated || limit >= 0) {
      // One listing of the windows: what is computed and what a kept answer is keyed by agree.
      List<WindowVersion> windows = windowsRead();
      return Linq4j.asEnumerable(
          table
              .parts()
              .answer(
                  this,
                  windows,
                  aggregated
                      ? () -> new LakeAggregator(this, spec(), root).run(files(windows))
                      : () -> topByTime(windows, root)));
    }
    return new AbstractEnumerable<>() {
      @Override
      public Enumerator<Object[]> enumerator() {
        return new LakeScanEnumerator(
            table.ledger().store(), files(windowsRead()), spec(), columns);
      }
    };
  }

  /**
   * The rollup's groups with the raw edges' merged in: a group both have (a bucket straddling an
   * edge) re-aggregated, as the rollup rule's functions combine (counts and sums added, the least
   * minimum, the greatest maximum).
   */
  private List<Object[]> withEdges(DataContext root) {
    LakeQuery middle = with(range, tagValues, List.of());
    Map<List<Object>, Object[]> groups = new LinkedHashMap<>();
    for (LakeQuery part : edges) {
      merge(groups, part.enumerable(root));
    }
    merge(groups, middle.enumerable(root));
    return new ArrayList<>(groups.values());
  }

  private void merge(Map<List<Object>, Object[]> groups, Enumerable<Object[]> rows) {
    for (Object[] row : rows) {
      List<Object> key = new ArrayList<>();
      for (int i = 0; i < columns.size(); i++) {
        if (!(columns.get(i) instanceof ScanColumn.Aggregate)) {
          key.add(row[i]);
        }
      }
      Object[] kept = groups.putIfAbsent(key, row.clone());
      if (kept == null) {
        continue;
      }
      for (int i = 0; i < columns.size(); i++) {
        if (columns.get(i) instanceof ScanColumn.Aggregate a) {
          kept[i] = combine(a.function(), kept[i], row[i]);
        }
      }
    }
  }

  /** Two partial results of one aggregate as one; a null is a part without values. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object combine(QueryAggregate function, Object a, Object b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return switch (function) {
      case MIN -> ((Comparable) a).compareTo(b) <= 0 ? a : b;
      case MAX -> ((Comparable) a).compareTo(b) >= 0 ? a : b;
      case SUM, COUNT ->
          a instanceof Long x && b instanceof Long y
              ? (Object) Math.addExact(x, y)
              : (Object) (((Number) a).doubleValue() + ((Number) b).doubleValue());
      default -> throw new IllegalStateException(function + " does not combine across resolutions");
    };
  }

  /**
   * The first {@code limit} rows by time: windows in time order (newest first when descending),
   * each read whole (rows are sorted by series inside), stopping once the kept rows all come before
   * (after) the next window.
   */
  private List<Object[]> topByTime(List<WindowVersion> overlapping, DataContext root) {
    int timeColumn = -1;
    List<ScanColumn> out = new ArrayList<>(columns);
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i) instanceof ScanColumn.Time) {
        timeColumn = i;
      }
    }
    if (timeColumn < 0) {
      out.add(new ScanColumn.Time()); // ordered by a time the caller does not see
      timeColumn = out.size() - 1;
    }
    int t = timeColumn;
    Comparator<Object[]> order = Comparator.comparingLong(r -> (Long) r[t]);
    if (descending) {
      order = order.reversed();
    }
    PriorityQueue<Object[]> kept = new PriorityQueue<>(order.reversed()); // worst kept row on top
    List<WindowVersion> windows =
        new ArrayList<>(overlapping.stream().filter(w -> w.rows() > 0).toList());
    windows.sort(Comparator.comparingLong(WindowVersion::windowStart));
    if (descending) {
      Collections.reverse(windows);
    }
    ScanSpec spec =
        new LakeQuery(
                table,
                tableName,
                range,
                tagValues,
                out,
                false,
                0,
                List.of(),
                descending,
                -1,
                List.of())
            .spec();
    for (WindowVersion w : windows) {
      Executions.checkpoint(root, 0);
      if (limit == 0) {
        break;
      }
      if (kept.size() >= limit) {
        long worst = (Long) kept.peek()[t] * 1_000_000L;
        // Rows of this window are all at or before its end (descending) / at or after its start.
        if (descending ? w.windowEnd() <= worst : w.windowStart() > worst + 999_999L) {
          break;
        }
      }
      List<DataFile> files = new ArrayList<>();
      for (DataFile f : w.files()) {
        if (f.maxTime() >= range.from() && f.minTime() < range.to()) {
          files.add(f);
        }
      }
      try (LakeScanEnumerator rows =
          new LakeScanEnumerator(table.ledger().store(), files, spec, out)) {
        while (rows.moveNext()) {
          kept.add(rows.current());
          if (kept.size() > limit) {
            kept.poll();
          }
        }
      }
    }
    List<Object[]> sorted = new ArrayList<>(kept);
    sorted.sort(order);
    if (out.size() > columns.size()) {
      sorted.replaceAll(r -> Arrays.copyOf(r, columns.size()));
    }
    return sorted;
  }

  /** The values of a one-column answer; called by generated code. */
  public Enumerable<Object> scalarEnumerable() {
    return scalarEnumerable(null);
  }

  public Enumerable<Object> scalarEnumerable(DataContext root) {
    return enumerable(root).select(row -> row[0]);
  }
}
