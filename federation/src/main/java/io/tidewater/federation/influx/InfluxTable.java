package io.tidewater.federation.influx;

import io.tidewater.federation.TimeRange;
import io.tidewater.federation.plan.MeasurementColumns;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractTable;

/** A measurement as InfluxDB holds it: every point, at full resolution, answered by InfluxQL. */
public final class InfluxTable extends AbstractTable implements TranslatableTable {

  private final InfluxClient client;
  private final String database;
  private final Optional<String> retentionPolicy;
  private final Supplier<MeasurementSchema> schema;

  /**
   * {@code schema} is the measurement's columns as queries see them (also those only the lake has).
   */
  public InfluxTable(
      InfluxClient client,
      String database,
      Optional<String> retentionPolicy,
      Supplier<MeasurementSchema> schema) {
    this.client = client;
    this.database = database;
    this.retentionPolicy = retentionPolicy;
    this.schema = schema;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    return MeasurementColumns.rowType(schema(), typeFactory);
  }

  @Override
  public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
    return new InfluxTableScan(
        context.getCluster(), relOptTable, this, InfluxQlGroups.hinted(context));
  }

  /**
   * A scan of a part {@code lakeCopy} (the lake's table of this measurement) holds completely too
   * in {@code ranges}.
   */
  public RelNode toRel(
      RelOptTable.ToRelContext context,
      RelOptTable relOptTable,
      RelOptTable lakeCopy,
      List<TimeRange> ranges) {
    return new InfluxTableScan(
        context.getCluster(), relOptTable, this, lakeCopy, ranges, InfluxQlGroups.hinted(context));
  }

  public MeasurementSchema schema() {
    return schema.get();
  }

  public InfluxClient client() {
    return client;
  }

  public String database() {
    return database;
  }

  public Optional<String> retentionPolicy() {
    return retentionPolicy;
  }
}
