package io.tidewater.federation.route;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tidewater.federation.FederationCatalog;
import io.tidewater.federation.TimeRange;
import io.tidewater.federation.influx.InfluxTable;
import io.tidewater.federation.plan.MeasurementColumns;
import io.tidewater.federation.plan.SchemaNames;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.TimestampString;

/**
 * The table users query, {@code <database>.<measurement>}: the union of its routes, each a time
 * range read from one place ({@link Router}). Planner rules push the query's filters, projections,
 * aggregates and limits into every part and merge partial aggregates above the union, so a bucket
 * straddling a split point is merged, never counted twice.
 */
public final class RoutedTable extends AbstractTable implements TranslatableTable {

  private final FederationCatalog catalog;
  private final String database;
  private final String measurement;

  public RoutedTable(FederationCatalog catalog, String database, String measurement) {
    this.catalog = catalog;
    this.database = database;
    this.measurement = measurement;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    return MeasurementColumns.rowType(catalog.schema(database, measurement), typeFactory);
  }

  @Override
  public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
    RelBuilder b =
        RelFactories.LOGICAL_BUILDER.create(context.getCluster(), relOptTable.getRelOptSchema());
    List<Route> routes = catalog.routes(database, measurement);
    Map<Place, RelOptTable> tables = new EnumMap<>(Place.class);
    for (Route route : routes) {
      RelOptTable part = table(tables, relOptTable, route.place());
      RelOptTable lake = route.lakeToo().isEmpty() ? null : table(tables, relOptTable, Place.LAKE);
      if (lake != null) {
        b.push(part.unwrapOrThrow(InfluxTable.class).toRel(context, part, lake, route.lakeToo()));
      } else {
        b.push(part.toRel(context));
      }
      List<RexNode> bounds = new ArrayList<>();
      TimeRange range = route.range();
      if (range.boundedBelow()) {
        bounds.add(
            b.call(
                SqlStdOperatorTable.GREATER_THAN_OR_EQUAL, b.field(0), timestamp(b, range.from())));
      }
      if (range.boundedAbove()) {
        bounds.add(b.call(SqlStdOperatorTable.LESS_THAN, b.field(0), timestamp(b, range.to())));
      }
      if (!bounds.isEmpty()) {
        // Not b.filter: its simplification of every part's bounds showed in the planning profile.
        b.push(
            LogicalFilter.create(b.build(), RexUtil.composeConjunction(b.getRexBuilder(), bounds)));
      }
    }
    if (routes.size() > 1) {
      b.union(true, routes.size());
    }
    return b.build();
  }

  private RelOptTable table(Map<Place, RelOptTable> tables, RelOptTable routed, Place place) {
    return tables.computeIfAbsent(
        place,
        p ->
            routed
                .getRelOptSchema()
                .getTableForMember(
                    List.of(
                        p == Place.INFLUXDB ? SchemaNames.INFLUXDB : SchemaNames.LAKE,
                        database,
                        measurement)));
  }

  private static RexNode timestamp(RelBuilder b, long nanos) {
    long millis = Math.floorDiv(nanos, 1_000_000L);
    // TimestampString.fromMillisSinceEpoch formats through a Calendar: it showed in the planning
    // profile, where every part's two bounds are made for every query.
    TimestampString text = TIMESTAMPS.get(millis, TimestampString::fromMillisSinceEpoch);
    return b.getRexBuilder().makeTimestampLiteral(text, 3);
  }

  private static final Cache<Long, TimestampString> TIMESTAMPS =
      Caffeine.newBuilder().maximumSize(10_000).build();
}
