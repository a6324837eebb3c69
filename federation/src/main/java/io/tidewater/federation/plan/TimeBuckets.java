package io.tidewater.federation.plan;

import io.tidewater.federation.functions.DateBin;
import org.apache.calcite.avatica.util.TimeUnitRange;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;

/**
 * Recognizes time buckets of a fixed width aligned to the epoch, the ones InfluxDB's {@code GROUP
 * BY time(w)} and the lake's rollups compute: {@code FLOOR(time TO SECOND|MINUTE|HOUR|DAY)} and
 * {@code DATE_BIN(interval, time)} ({@link DateBin}).
 */
public final class TimeBuckets {

  /** A bucket expression: the time column it floors and the bucket width. */
  public record Bucket(int timeOrdinal, long widthMillis) {}

  private TimeBuckets() {}

  /** The bucket {@code node} computes, or null if it is not a fixed-width epoch-aligned bucket. */
  public static Bucket of(RexNode node) {
    if (node instanceof RexCall call && call.getOperator().getName().equals(DateBin.FUNCTION)) {
      return dateBin(call);
    }
    if (!(node instanceof RexCall call)
        || call.getKind() != SqlKind.FLOOR
        || call.getOperands().size() != 2
        || !(call.getOperands().get(0) instanceof RexInputRef ref)
        || !(call.getOperands().get(1) instanceof RexLiteral unit)) {
      return null;
    }
    Object value = unit.getValue();
    if (!(value instanceof TimeUnitRange range)) {
      return null;
    }
    long width =
        switch (range) {
          case SECOND -> 1_000L;
          case MINUTE -> 60_000L;
          case HOUR -> 3_600_000L;
          case DAY -> 86_400_000L;
          default -> 0; // weeks, months and years are not fixed-width epoch buckets
        };
    return width == 0 ? null : new Bucket(ref.getIndex(), width);
  }

  /**
   * {@code DATE_BIN} with a literal width, on the time column, aligned to the epoch (or an origin a
   * whole number of widths from it).
   */
  private static Bucket dateBin(RexCall call) {
    if (!(call.getOperands().get(0) instanceof RexLiteral width)
        || !(call.getOperands().get(1) instanceof RexInputRef ref)) {
      return null;
    }
    Long w = width.getValueAs(Long.class);
    if (w == null || w <= 0) {
      return null;
    }
    if (call.getOperands().size() == 3) {
      Long origin = TimeBounds.millis(call.getOperands().get(2));
      if (origin == null || Math.floorMod(origin, w) != 0) {
        return null;
      }
    }
    return new Bucket(ref.getIndex(), w);
  }
}
