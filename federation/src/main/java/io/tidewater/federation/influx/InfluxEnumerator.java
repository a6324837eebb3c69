package io.tidewater.federation.influx;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.tidewater.federation.plan.ScanColumn;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.policy.rollup.FieldType;
import io.tidewater.util.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.linq4j.Enumerator;

/**
 * Rows of an InfluxDB answer as they stream in: a reader thread decodes the chunked answer into
 * batches of rows handed over through a small queue, so no answer is ever held whole and the query
 * stops (connection closed) when the consumer closes early.
 */
final class InfluxEnumerator implements Enumerator<Object[]> {

  private static final int BATCH = 1024;
  private static final Object[][] END = new Object[0][];
  private static final Duration READ_MARGIN = Duration.ofSeconds(1);
  private static final ExecutorService READERS =
      Executors.newCachedThreadPool(Threads.daemon("tidewater-influx-read"));

  private final BlockingQueue<Object[][]> queue = new ArrayBlockingQueue<>(4);
  private volatile boolean closed;
  private volatile RuntimeException failure;
  private Object[][] batch = new Object[0][];
  private int position = -1;
  private Object[] current;
  private boolean started;
  private boolean done;
  private boolean any;
  private long returned;
  private final InfluxQuery query;
  private final long deadlineNanos;
  private final AtomicBoolean cancelled;

  /**
   * Rows of {@code query}; waiting for them stops at {@code deadlineNanos} (System.nanoTime) or
   * when cancelled.
   */
  InfluxEnumerator(InfluxQuery query, long deadlineNanos, AtomicBoolean cancelled) {
    this.query = query;
    this.deadlineNanos = deadlineNanos;
    this.cancelled = cancelled;
  }

  @Override
  public Object[] current() {
    return current;
  }

  @Override
  public boolean moveNext() {
    if (query.limit() != null && returned >= query.limit()) {
      return false; // InfluxDB's rows past its LIMIT may lack values (see InfluxQuery)
    }
    if (!started) {
      started = true;
      READERS.execute(this::read);
    }
    while (++position >= batch.length) {
      if (done) {
        return false;
      }
      try {
        batch = queue.poll(100, TimeUnit.MILLISECONDS);
        if (batch == null) {
          // InfluxDB may be silent for long (its own stall limit ends the read eventually); the
          // query must not wait past its time limit.
          batch = new Object[0][];
          position = -1;
          if (cancelled.get()) {
            close();
            // Stopped by its deadline (mostly) or for another reason the engine then reports.
            throw new TidewaterException(
                ErrorCode.QUERY_TIMEOUT,
                "the query ran longer than its time limit and was stopped while waiting for"
                    + " InfluxDB at "
                    + query.client().url(),
                null);
          }
          if (System.nanoTime() - deadlineNanos > 0) {
            close();
            throw new TidewaterException(
                ErrorCode.QUERY_TIMEOUT,
                "the query ran longer than its time limit and was stopped while waiting for InfluxDB at "
                    + query.client().url(),
                null);
          }
          continue;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while reading InfluxDB", e);
      }
      position = -1;
      if (batch == END) {
        done = true;
        batch = new Object[0][];
        if (failure != null) {
          throw failure;
        }
        if (!any && query.global()) {
          // fill(none) leaves out an aggregate over no points; SQL answers it with one row.
          batch = new Object[][] {query.emptyRow()};
          position = 0;
          current = batch[0];
          any = true;
          return true;
        }
        return false;
      }
    }
    current = batch[position];
    any = true;
    returned++;
    return true;
  }

  @Override
  public void reset() {
    throw new UnsupportedOperationException("an InfluxDB answer is read once");
  }

  @Override
  public void close() {
    closed = true;
    queue.clear(); // unblocks the reader, which then sees closed and stops the stream
  }

  private void read() {
    Sink sink = new Sink();
    try {
      // Over the JDK's blocking HTTP/1.1 connection (the asynchronous client hands each answer
      // over three more threads), limited to a second past the deadline: the consumer's own check
      // reports the time limit first, naming the InfluxDB it waited for.
      Duration left =
          deadlineNanos == Long.MAX_VALUE
              ? query.client().connection().timeout()
              : Duration.ofNanos(Math.max(0L, deadlineNanos - System.nanoTime())).plus(READ_MARGIN);
      query.client().query(query.database(), Optional.empty(), query.influxql(), left, sink);
      sink.flush();
    } catch (Stopped stopped) {
      // the consumer closed early
    } catch (RuntimeException e) {
      failure = e; // InfluxDB's own errors name it; anything else is ours and says so
    } catch (Throwable e) {
      failure = new IllegalStateException("reading InfluxDB's answer failed: " + e, e);
    } finally {
      offer(END);
    }
  }

  private void offer(Object[][] rows) {
    try {
      while (!queue.offer(rows, 100, TimeUnit.MILLISECONDS)) {
        if (closed) {
          throw new Stopped();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Stopped();
    }
  }

  /** Thrown into the HTTP stream to stop it when the consumer has gone. */
  private static final class Stopped extends RuntimeException {
    Stopped() {
      super(null, null, false, false);
    }
  }

  /** Turns answer values into rows of Calcite's internal values (times in milliseconds). */
  private final class Sink implements InfluxClient.RowSink {
    private final List<Object[]> rows = new ArrayList<>(BATCH);
    private final int width = query.columns().size();
    private Object[] answer;
    private String[] groupValues;

    @Override
    public void series(Map<String, String> tags, List<String> columns) {
      answer = new Object[columns.size()];
      groupValues = new String[query.groupTags().size()];
      for (int i = 0; i < groupValues.length; i++) {
        String v = tags.get(query.groupTags().get(i));
        groupValues[i] =
            v == null || v.isEmpty() ? null : v; // InfluxDB reports an absent tag as ""
      }
    }

    @Override
    public void value(int column, InfluxClient.Cell cell) {
      if (closed) {
        throw new Stopped();
      }
      answer[column] = cell.isNull() ? null : cell.asObject();
      if (column == answer.length - 1) {
        rows.add(row());
        if (rows.size() == BATCH) {
          flush();
        }
      }
    }

    void flush() {
      if (!rows.isEmpty()) {
        offer(rows.toArray(new Object[0][]));
        rows.clear();
      }
    }

    private Object[] row() {
      Object[] row = new Object[width];
      for (int i = 0; i < width; i++) {
        int a = query.answerColumn()[i];
        ScanColumn c = query.columns().get(i);
        Object v = a < 0 ? groupValues[-1 - a] : answer[a];
        row[i] = toSql(c, v);
      }
      return row;
    }
  }

  private static Object toSql(ScanColumn c, Object v) {
    if (c instanceof ScanColumn.Time) {
      return Math.floorDiv(((Number) v).longValue(), 1_000_000L);
    }
    if (c instanceof ScanColumn.Bucket b) {
      long millis = Math.floorDiv(((Number) v).longValue(), 1_000_000L);
      return millis - Math.floorMod(millis, b.widthMillis());
    }
    if (c instanceof ScanColumn.Tag) {
      return v == null || "".equals(v) ? null : v;
    }
    if (c instanceof ScanColumn.Field f) {
      return convert(v, f.type());
    }
    ScanColumn.Aggregate ag = (ScanColumn.Aggregate) c;
    return v == null && ag.zeroWhenEmpty()
        ? convert(0L, ag.resultType())
        : convert(v, ag.resultType());
  }

  private static Object convert(Object v, FieldType type) {
    if (v == null) {
      return null;
    }
    return switch (type) {
      case FLOAT -> ((Number) v).doubleValue();
      case INTEGER, UNSIGNED -> ((Number) v).longValue();
      case BOOLEAN -> (Boolean) v;
      case STRING -> v.toString();
    };
  }
}
