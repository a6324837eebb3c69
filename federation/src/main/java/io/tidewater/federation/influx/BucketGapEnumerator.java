package io.tidewater.federation.influx;

import java.util.function.Function;
import org.apache.calcite.linq4j.Enumerator;

/**
 * The rows of a bucketed aggregate with the groups InfluxDB's {@code fill(none)} left out put back
 * (see {@link BucketGaps}): the answer's buckets are followed in order; at the first bucket missing
 * from it, the presence query for the rest of the range starts, and the two ordered streams are
 * merged, a bucket only the presence query has becoming a row of empty aggregates. The answer's
 * order and LIMIT hold for the merged rows.
 */
final class BucketGapEnumerator implements Enumerator<Object[]> {

  private final InfluxQuery query;
  private final BucketGaps gaps;
  private final Enumerator<Object[]> answer;
  private final Function<Long, Enumerator<Object[]>> presenceFrom;
  private Enumerator<Object[]> presence;
  private Long expected;
  private boolean answerDone;
  private boolean presenceDone;
  private Object[] answerRow;
  private Long presenceBucket;
  private Object[] current;
  private long emitted;

  /** {@code presenceFrom} starts the presence query at a bucket (null: the whole range). */
  BucketGapEnumerator(InfluxQuery query, Enumerator<Object[]> answer, Function<Long, Enumerator<Object[]>> presenceFrom) {
    this.query = query;
    this.gaps = query.gaps();
    this.answer = answer;
    this.presenceFrom = presenceFrom;
    this.expected = gaps.firstBucket();
  }

  @Override
  public Object[] current() {
    return current;
  }

  @Override
  public boolean moveNext() {
    if (query.limit() != null && emitted >= query.limit()) {
      return false;
    }
    current = presence == null ? nextInOrder() : nextMerged();
    if (current == null) {
      return false;
    }
    emitted++;
    return true;
  }

  /** The answer's next row while no bucket has been missing; starts the presence query at the first gap. */
  private Object[] nextInOrder() {
    if (answer.moveNext()) {
      Object[] row = answer.current();
      long bucket = bucketOf(row);
      if (expected != null && bucket == expected) {
        expected = gaps.next(bucket);
        return row;
      }
      answerRow = row; // a gap before this bucket (or an open range start)
    } else {
      answerDone = true;
      if (expected != null && !gaps.inRange(expected)) {
        return null; // every bucket of the range came
      }
    }
    presence = presenceFrom.apply(expected);
    return nextMerged();
  }

  private Object[] nextMerged() {
    if (answerRow == null && !answerDone) {
      if (answer.moveNext()) {
        answerRow = answer.current();
      } else {
        answerDone = true;
      }
    }
    if (presenceBucket == null && !presenceDone) {
      if (presence.moveNext()) {
        presenceBucket = (Long) presence.current()[0];
      } else {
        presenceDone = true;
      }
    }
    if (answerRow != null && (presenceBucket == null || !gaps.before(presenceBucket, bucketOf(answerRow)))) {
      if (presenceBucket != null && presenceBucket == bucketOf(answerRow)) {
        presenceBucket = null;
      }
      Object[] row = answerRow;
      answerRow = null;
      return row;
    }
    if (presenceBucket != null) {
      Object[] row = query.emptyGroup(presenceBucket);
      presenceBucket = null;
      return row;
    }
    return null;
  }

  private long bucketOf(Object[] row) {
    return (Long) row[gaps.bucketColumn()];
  }

  @Override
  public void reset() {
    throw new UnsupportedOperationException("an InfluxDB answer is read once");
  }

  @Override
  public void close() {
    answer.close();
    if (presence != null) {
      presence.close();
    }
  }
}
