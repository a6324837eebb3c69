package io.tidewater.federation.influx;

import io.tidewater.federation.plan.Pushdown;
import io.tidewater.federation.plan.ScanColumn;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.policy.rollup.FieldType;
import java.util.List;
import java.util.function.Function;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.sql.SqlKind;

/**
 * The InfluxDB adapter's side of {@link Pushdown}: its nodes' columns and the aggregates InfluxQL
 * states exactly.
 */
final class InfluxRels implements Pushdown.Adapter {

  static final InfluxRels INSTANCE = new InfluxRels();

  private InfluxRels() {}

  static List<ScanColumn> rawColumns(RelNode node) {
    return Pushdown.rawColumns(node, INSTANCE);
  }

  static Pushdown.AggregatePlan aggregate(LogicalAggregate aggregate) {
    return Pushdown.aggregate(aggregate, INSTANCE);
  }

  @Override
  public List<ScanColumn> rawColumnsOf(RelNode rel, Function<RelNode, List<ScanColumn>> below) {
    if (rel instanceof InfluxTableScan scan) {
      InfluxQueryBuilder builder = new InfluxQueryBuilder();
      scan.implement(builder);
      return builder.columns;
    }
    if (rel instanceof InfluxFilter filter) {
      return below.apply(filter.getInput());
    }
    if (rel instanceof InfluxProject project) {
      return project.columns();
    }
    return null;
  }

  @Override
  public MeasurementSchema schemaOf(RelNode rel) {
    return rel instanceof InfluxTableScan scan ? scan.influxTable().schema() : null;
  }

  @Override
  public boolean countsRows(MeasurementSchema schema) {
    // InfluxQL's count(*) counts each field: only a single-field measurement has one value per
    // point.
    return schema.fields().size() == 1;
  }

  @Override
  public ScanColumn.Aggregate aggregate(
      SqlKind kind, ScanColumn.Field field, FieldType resultType) {
    return Pushdown.influxAggregate(kind, field, resultType);
  }
}
