package io.tidewater.federation;

import org.apache.calcite.avatica.util.TimeUnitRange;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;

/**
 * Recognizes time buckets of a fixed width aligned to the epoch, the ones InfluxDB's
 * {@code GROUP BY time(w)} and the lake's rollups compute: {@code FLOOR(time TO SECOND|MINUTE|HOUR|DAY)}.
 */
public final class TimeBuckets {

  /** A bucket expression: the time column it floors and the bucket width. */
  public record Bucket(int timeOrdinal, long widthMillis) {}

  private TimeBuckets() {}

  /** The bucket {@code node} computes, or null if it is not a fixed-width epoch-aligned bucket. */
  public static Bucket of(RexNode node) {
    if (!(node instanceof RexCall call) || call.getKind() != SqlKind.FLOOR || call.getOperands().size() != 2
        || !(call.getOperands().get(0) instanceof RexInputRef ref)
        || !(call.getOperands().get(1) instanceof RexLiteral unit)) {
      return null;
    }
    Object value = unit.getValue();
    if (!(value instanceof TimeUnitRange range)) {
      return null;
    }
    long width = switch (range) {
      case SECOND -> 1_000L;
      case MINUTE -> 60_000L;
      case HOUR -> 3_600_000L;
      case DAY -> 86_400_000L;
      default -> 0; // weeks, months and years are not fixed-width epoch buckets
    };
    return width == 0 ? null : new Bucket(ref.getIndex(), width);
  }
}
