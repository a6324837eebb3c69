package io.tidewater.federation.influx;

import java.util.function.Function;
import org.apache.calcite.linq4j.Enumerator;

/**
 * The rows of a bucketed aggregate with the groups InfluxDB's {@code fill(none)} left out put back
 * (see {@link BucketGaps}). The answer's buckets are followed in order. Where the range is open on
 * the answer's leading side, the buckets before its first one are asked for first and come ahead of
 * it. At the first bucket missing from the answer (or once it ends short of the range's end), the
 * presence query for the rest of the range starts and the two ordered streams are merged, a bucket
 * only the presence query has becoming a row of empty aggregates. The answer's order and LIMIT hold
 * for the merged rows; each presence query reads no more buckets than LIMIT leaves.
 */
final class BucketGapEnumerator implements Enumerator<Object[]> {

  private final InfluxQuery query;
  private final BucketGaps gaps;
  private final Enumerator<Object[]> answer;
  private final Function<InfluxQuery, Enumerator<Object[]>> open;
  private Enumerator<Object[]> presence;

  /**
   * The presence query covers only the buckets before {@link #answerRow}, not the rest of the
   * range.
   */
  private boolean leading;

  private Long expected;
  private boolean answerDone;
  private boolean presenceDone;
  private Object[] answerRow;
  private Long presenceBucket;
  private Object[] current;
  private long emitted;

  /**
   * {@code open} starts reading a query's rows (the answer's, with the same deadline and
   * cancellation).
   */
  BucketGapEnumerator(
      InfluxQuery query,
      Enumerator<Object[]> answer,
      Function<InfluxQuery, Enumerator<Object[]>> open) {
    this.query = query;
    this.gaps = query.gaps();
    this.answer = answer;
    this.open = open;
    this.expected = gaps.firstBucket();
  }

  @Override
  public Object[] current() {
    return current;
  }

  @Override
  public boolean moveNext() {
    // The answer's own reader stops at LIMIT too; merged rows are counted here.
    if (query.limit() != null && emitted >= query.limit()) {
      return false;
    }
    current = presence == null ? nextInOrder() : leading ? nextLeading() : nextMerged();
    if (current == null) {
      return false;
    }
    emitted++;
    return true;
  }

  /**
   * The answer's next row while no bucket has been missing; starts a presence query where one is.
   */
  private Object[] nextInOrder() {
    if (answer.moveNext()) {
      Object[] row = answer.current();
      long bucket = bucketOf(row);
      if (expected == null) {
        // Open on this side: buckets before the answer's first may have points without its fields.
        answerRow = row;
        leading = true;
        presence =
            open.apply(query.gapQuery(gaps.statementBefore(bucket, remaining()), remaining()));
        return nextLeading();
      }
      if (bucket == expected) {
        expected = gaps.next(bucket);
        return row;
      }
      answerRow = row; // a gap before this bucket
    } else {
      answerDone = true;
      if (expected != null && !gaps.inRange(expected)) {
        return null; // every bucket of the range came
      }
    }
    presence = open.apply(query.gapQuery(gaps.statementFrom(expected, remaining()), remaining()));
    return nextMerged();
  }

  /**
   * The buckets before the answer's first, then that first row; then back to following the answer.
   */
  private Object[] nextLeading() {
    if (presence.moveNext()) {
      return query.emptyGroup((Long) presence.current()[0]);
    }
    presence.close();
    presence = null;
    leading = false;
    Object[] row = answerRow;
    answerRow = null;
    expected = gaps.next(bucketOf(row));
    return row;
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
    if (answerRow != null
        && (presenceBucket == null || !gaps.before(presenceBucket, bucketOf(answerRow)))) {
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

  /** How many more rows LIMIT allows, or null. */
  private Long remaining() {
    return query.limit() == null ? null : query.limit() - emitted;
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
