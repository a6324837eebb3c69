package io.tidewater.federation.influxql;

import java.util.List;

/**
 * A SELECT over one measurement as the gateway runs it: a federated SQL statement, and how its rows
 * become InfluxDB series. The statement's columns are the series' tags ({@code tags}), then the
 * time (the point's, or its bucket's when {@code intervalNanos > 0}; absent for an aggregate over
 * the whole range), then the fetched values.
 *
 * @param sql the statement, over the routed table of the measurement
 * @param tags the tag keys that tell series apart, sorted
 * @param hasTime whether a time column follows the tags
 * @param fetched how many values follow, and which are counts (filled with 0 by fill(null))
 * @param columns the answer's column names after {@code time}
 * @param outputs each answer column's value from the fetched ones
 * @param rawFields for a raw query, the fetched values that are fields: a row is answered when one
 *     of them has a value
 * @param intervalNanos GROUP BY time's interval, 0 without
 * @param offsetNanos GROUP BY time's offset
 * @param selectedTime for a lone selector (no GROUP BY time), the fetched value with its point's
 *     time in epoch milliseconds, which is the answer's time; else -1
 * @param transforms the transformations of aggregates ({@code derivative(mean(f))}); when there are
 *     any, every output reads the transformed series, its {@link Eval.Fetched} index naming a
 *     transformation
 * @param form how rows become answer rows
 * @param integralUnitNanos integral()'s unit (its second argument, else a second)
 * @param range the time range of the WHERE clause
 * @param select the statement, for its fill, order, limits and offsets
 */
record SelectQuery(
    String sql,
    List<String> tags,
    boolean hasTime,
    List<Boolean> fetched,
    List<String> columns,
    List<Eval> outputs,
    List<Integer> rawFields,
    long intervalNanos,
    long offsetNanos,
    int selectedTime,
    List<Transform> transforms,
    Form form,
    long integralUnitNanos,
    TimeCondition range,
    Statement.Select select) {

  /** How the SQL's rows become answer rows. */
  enum Form {
    /** One answer row per SQL row (raw points). */
    POINTS,
    /** One per bucket (and series), filled, possibly transformed. */
    BUCKETS,
    /** distinct(f): a value and the time it first occurs in its bucket (fetched 0 and 1) a row. */
    DISTINCT,
    /**
     * integral(f): the points of each series in time order (fetched: the value and the series key),
     * integrated by the assembler.
     */
    INTEGRAL,
    /**
     * A transformation of raw points ({@code derivative(f)}): the points of each series in time
     * order (fetched as for INTEGRAL), transformed by the assembler.
     */
    POINT_TRANSFORM
  }

  boolean aggregate() {
    return form != Form.POINTS;
  }

  boolean distinct() {
    return form == Form.DISTINCT;
  }
}
