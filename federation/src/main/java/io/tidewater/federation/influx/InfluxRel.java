package io.tidewater.federation.influx;

import org.apache.calcite.plan.Convention;
import org.apache.calcite.rel.RelNode;

/**
 * A relational expression InfluxDB evaluates: its convention, and how it adds itself to the query.
 */
public interface InfluxRel extends RelNode {

  Convention CONVENTION = new Convention.Impl("INFLUXDB", InfluxRel.class);

  /** Adds this node's part to the query being built (after its input's). */
  void implement(InfluxQueryBuilder builder);
}
