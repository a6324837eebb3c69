package io.tidewater.federation.plan;

import io.tidewater.policy.Resolution;
import java.util.Optional;

/**
 * The names of the schemas SQL sees besides the databases' routed tables: {@code
 * influxdb.<database>.<measurement>} (InfluxDB only), {@code lake.<database>.<measurement>} (the
 * lake's full-resolution rows) and {@code lake_<resolution>.<database>.<measurement>} (a rollup's
 * buckets). Kept apart from the schemas themselves so the planner rules and routed tables that name
 * them do not depend on what builds them.
 */
public final class SchemaNames {

  public static final String INFLUXDB = "influxdb";
  public static final String LAKE = "lake";

  private SchemaNames() {}

  /** The schema of one rollup resolution's tables: {@code lake_1m}, {@code lake_1h}, ... */
  public static String rollupSchema(Resolution resolution) {
    return LAKE + "_" + resolution.name();
  }

  /** The resolution whose rollups schema {@code name} holds, if it is one. */
  public static Optional<Resolution> rollupResolution(String name) {
    return name.startsWith(LAKE + "_")
        ? Optional.of(Resolution.parse(name.substring(LAKE.length() + 1)))
        : Optional.empty();
  }

  /**
   * Whether {@code name} is one of these schemas' names (a database so named is not listed as one).
   */
  public static boolean reserved(String name) {
    return name.equals(INFLUXDB) || name.equals(LAKE) || name.startsWith(LAKE + "_");
  }
}
