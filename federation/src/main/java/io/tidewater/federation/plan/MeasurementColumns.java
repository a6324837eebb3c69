package io.tidewater.federation.plan;

import io.tidewater.lifecycle.parquet.FieldColumn;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.policy.rollup.FieldType;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The SQL columns of a measurement (docs/architecture.md, lake layout): {@code time} first
 * (TIMESTAMP, UTC, milliseconds as Calcite keeps them), then one VARCHAR per tag, then one typed
 * column per field. Every table of a measurement (routed, InfluxDB, lake) has these same columns,
 * so their rows union.
 */
public final class MeasurementColumns {

  /** Where a column of the row comes from. */
  public enum Kind {
    TIME,
    TAG,
    FIELD
  }

  private MeasurementColumns() {}

  public static RelDataType rowType(MeasurementSchema schema, RelDataTypeFactory types) {
    RelDataTypeFactory.Builder row = types.builder();
    row.add(MeasurementSchema.TIME, types.createSqlType(SqlTypeName.TIMESTAMP, 3));
    for (String tag : schema.tags()) {
      row.add(tag, types.createTypeWithNullability(types.createSqlType(SqlTypeName.VARCHAR), true));
    }
    for (FieldColumn f : schema.fields()) {
      row.add(
          f.name(), types.createTypeWithNullability(types.createSqlType(sqlType(f.type())), true));
    }
    return row.build();
  }

  public static SqlTypeName sqlType(FieldType type) {
    return switch (type) {
      case FLOAT -> SqlTypeName.DOUBLE;
      case INTEGER, UNSIGNED -> SqlTypeName.BIGINT;
      case STRING -> SqlTypeName.VARCHAR;
      case BOOLEAN -> SqlTypeName.BOOLEAN;
    };
  }

  public static Kind kind(MeasurementSchema schema, int ordinal) {
    if (ordinal == 0) {
      return Kind.TIME;
    }
    return ordinal <= schema.tags().size() ? Kind.TAG : Kind.FIELD;
  }

  /** The tag or field name of a column ordinal ({@code time} for 0). */
  public static String name(MeasurementSchema schema, int ordinal) {
    return switch (kind(schema, ordinal)) {
      case TIME -> MeasurementSchema.TIME;
      case TAG -> schema.tags().get(ordinal - 1);
      case FIELD -> schema.fields().get(ordinal - 1 - schema.tags().size()).name();
    };
  }

  public static FieldType fieldType(MeasurementSchema schema, int ordinal) {
    return schema.fields().get(ordinal - 1 - schema.tags().size()).type();
  }

  /** Every column name in row order. */
  public static List<String> names(MeasurementSchema schema) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 1 + schema.tags().size() + schema.fields().size(); i++) {
      names.add(name(schema, i));
    }
    return names;
  }
}
