package io.tidewater.federation.lake;

import io.tidewater.federation.plan.Pushdown;
import io.tidewater.federation.plan.ScanColumn;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.policy.rollup.FieldType;
import io.tidewater.policy.rollup.QueryAggregate;
import java.util.List;
import java.util.function.Function;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.sql.SqlKind;

/**
 * The lake adapter's side of {@link Pushdown}: its nodes' columns and the aggregates it computes
 * while decoding.
 */
final class LakeRels implements Pushdown.Adapter {

  static final LakeRels INSTANCE = new LakeRels();

  private LakeRels() {}

  @Override
  public List<ScanColumn> rawColumnsOf(RelNode rel, Function<RelNode, List<ScanColumn>> below) {
    if (rel instanceof LakeTableScan scan) {
      return scan.columns();
    }
    if (rel instanceof LakeFilter filter) {
      return below.apply(filter.getInput());
    }
    if (rel instanceof LakeProject project) {
      return project.columns();
    }
    return null;
  }

  @Override
  public MeasurementSchema schemaOf(RelNode rel) {
    return rel instanceof LakeTableScan scan ? scan.lakeTable().schema() : null;
  }

  @Override
  public boolean countsRows(MeasurementSchema schema) {
    return true;
  }

  @Override
  public ScanColumn.Aggregate aggregate(
      SqlKind kind, ScanColumn.Field field, FieldType resultType) {
    if (field == null) {
      return new ScanColumn.Aggregate(
          QueryAggregate.COUNT, null, resultType, true); // COUNT(*): rows
    }
    return kind == SqlKind.ARG_MIN || kind == SqlKind.ARG_MAX
        ? null
        : Pushdown.standardAggregate(kind, field, resultType);
  }
}
