package io.tidewater.lifecycle.export;

import io.tidewater.lifecycle.parquet.FieldColumn;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.policy.rollup.FieldType;
import io.tidewater.policy.rollup.RollupAggregate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The columns of a measurement's rollup files: the same tags, {@code time} as the bucket start, and
 * per field {@code <field>_count}, {@code _sum}, {@code _min}, {@code _max}, {@code _first}, {@code
 * _last} (those its type keeps, docs/architecture.md, lake layout) plus {@code _first_time} and
 * {@code _last_time} (epoch ns) so first and last re-aggregate exactly.
 */
public final class RollupSchema {

  private static final String FIRST_TIME = "_first_time";
  private static final String LAST_TIME = "_last_time";

  private RollupSchema() {}

  public static MeasurementSchema of(MeasurementSchema raw) {
    List<FieldColumn> columns = new ArrayList<>();
    for (FieldColumn f : raw.fields()) {
      for (RollupAggregate a : RollupAggregate.keptFor(f.type())) {
        columns.add(new FieldColumn(column(f.name(), a), typeOf(f.type(), a)));
      }
      columns.add(new FieldColumn(firstTime(f.name()), FieldType.INTEGER));
      columns.add(new FieldColumn(lastTime(f.name()), FieldType.INTEGER));
    }
    return new MeasurementSchema(raw.measurement(), raw.tags(), columns);
  }

  /**
   * The raw measurement a rollup schema was made from: each field's type is its {@code _first}
   * column's.
   */
  public static MeasurementSchema rawOf(MeasurementSchema rollup) {
    List<FieldColumn> fields = new ArrayList<>();
    for (FieldColumn c : rollup.fields()) {
      if (c.name().endsWith(FIRST_TIME)) {
        String field = c.name().substring(0, c.name().length() - FIRST_TIME.length());
        rollup
            .field(column(field, RollupAggregate.FIRST))
            .ifPresent(first -> fields.add(new FieldColumn(field, first.type())));
      }
    }
    return new MeasurementSchema(rollup.measurement(), rollup.tags(), fields);
  }

  /** The column holding aggregate {@code a} of {@code field}. */
  public static String column(String field, RollupAggregate a) {
    return field + "_" + a.name().toLowerCase(Locale.ROOT);
  }

  /** The column holding the time (epoch ns) of {@code field}'s first value in a bucket. */
  public static String firstTime(String field) {
    return field + FIRST_TIME;
  }

  /** The column holding the time (epoch ns) of {@code field}'s last value in a bucket. */
  public static String lastTime(String field) {
    return field + LAST_TIME;
  }

  private static FieldType typeOf(FieldType field, RollupAggregate a) {
    return switch (a) {
      case COUNT -> FieldType.INTEGER;
      case SUM -> field == FieldType.FLOAT ? FieldType.FLOAT : field;
      default -> field;
    };
  }
}
