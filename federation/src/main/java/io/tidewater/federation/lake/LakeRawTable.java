package io.tidewater.federation.lake;

import io.tidewater.federation.MeasurementColumns;
import io.tidewater.federation.TimeBounds;
import io.tidewater.federation.TimeRange;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.lifecycle.parquet.ScanSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.ProjectableFilterableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.SqlKind;

/**
 * A measurement's full-resolution rows in the lake, as the ledger's newest window versions list
 * them. Scans read only the windows and files overlapping the query's time range, and inside
 * them only matching row groups and pages (time and tag statistics), decoding only the projected
 * columns. Conditions are used for pruning only; Calcite still evaluates every one of them.
 */
public final class LakeRawTable extends AbstractTable implements ProjectableFilterableTable {

  private final Ledger ledger;
  private final Supplier<MeasurementSchema> schema;
  private final Supplier<List<WindowVersion>> windows;

  public LakeRawTable(Ledger ledger, Supplier<MeasurementSchema> schema, Supplier<List<WindowVersion>> windows) {
    this.ledger = ledger;
    this.schema = schema;
    this.windows = windows;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    return MeasurementColumns.rowType(schema.get(), typeFactory);
  }

  @Override
  public Enumerable<Object[]> scan(DataContext root, List<RexNode> filters, int[] projects) {
    MeasurementSchema s = schema.get();
    RexBuilder rex = new RexBuilder(root.getTypeFactory());
    int width = 1 + s.tags().size() + s.fields().size();
    int[] columns = projects != null ? projects : java.util.stream.IntStream.range(0, width).toArray();
    TimeRange range = TimeRange.ALL;
    Map<String, Set<String>> tagValues = new HashMap<>();
    for (RexNode filter : filters) {
      range = range.intersect(TimeBounds.of(rex, filter, 0));
      for (RexNode conjunct : TimeBounds.RelConjuncts.of(rex, filter)) {
        tagValues(s, conjunct, tagValues);
      }
    }
    List<String> tags = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    boolean time = false;
    for (int c : columns) {
      switch (MeasurementColumns.kind(s, c)) {
        case TIME -> time = true;
        case TAG -> tags.add(MeasurementColumns.name(s, c));
        case FIELD -> fields.add(MeasurementColumns.name(s, c));
      }
    }
    ScanSpec spec = new ScanSpec(s, time, distinct(tags), distinct(fields), range.from(), range.to(), tagValues);
    List<WindowVersion> overlapping = new ArrayList<>();
    for (WindowVersion w : windows.get()) {
      if (w.windowEnd() > range.from() && w.windowStart() < range.to() && w.rows() > 0) {
        overlapping.add(w);
      }
    }
    return new AbstractEnumerable<>() {
      @Override
      public Enumerator<Object[]> enumerator() {
        return new LakeScanEnumerator(ledger.store(), overlapping, spec, columns, s);
      }
    };
  }

  /** Tag values a conjunct limits a tag to ({@code tag = 'a'}, {@code tag IN (...)}). */
  private static void tagValues(MeasurementSchema s, RexNode conjunct, Map<String, Set<String>> into) {
    Set<String> values = new HashSet<>();
    Integer tag = null;
    List<RexNode> alternatives = conjunct.getKind() == SqlKind.OR ? ((RexCall) conjunct).getOperands() : List.of(conjunct);
    for (RexNode alt : alternatives) {
      if (alt.getKind() != SqlKind.EQUALS) {
        return;
      }
      RexCall eq = (RexCall) alt;
      RexNode a = eq.getOperands().get(0);
      RexNode b = eq.getOperands().get(1);
      if (b instanceof RexInputRef) {
        RexNode swap = a;
        a = b;
        b = swap;
      }
      if (!(a instanceof RexInputRef ref) || !(b instanceof RexLiteral lit) || lit.isNull()
          || MeasurementColumns.kind(s, ref.getIndex()) != MeasurementColumns.Kind.TAG
          || tag != null && tag != ref.getIndex()) {
        return;
      }
      tag = ref.getIndex();
      values.add(lit.getValueAs(String.class));
    }
    if (tag != null) {
      String name = MeasurementColumns.name(s, tag);
      Set<String> earlier = into.get(name);
      if (earlier != null) {
        values.retainAll(earlier);
      }
      into.put(name, values);
    }
  }

  private static List<String> distinct(List<String> names) {
    return names.stream().distinct().toList();
  }
}
