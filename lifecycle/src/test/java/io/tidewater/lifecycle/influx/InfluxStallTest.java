package io.tidewater.lifecycle.influx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.lifecycle.parquet.SeriesRows;
import io.tidewater.testing.InfluxServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real influxd frozen (SIGSTOP) before or in the middle of an answer: the query gives up after
 * the connection's silence limit with an error naming InfluxDB, instead of waiting forever.
 */
class InfluxStallTest {

  static final Duration SILENCE = Duration.ofSeconds(2);
  // Its own server: freezing it must not stall other tests.
  static InfluxServer influx;
  static String db;

  @BeforeAll
  static void start() {
    influx = InfluxServer.start();
    db = influx.newDatabase("stall");
    // Enough rows that the answer is still streaming (socket buffers full) when the server freezes.
    for (int batch = 0; batch < 10; batch++) {
      StringBuilder lp = new StringBuilder();
      for (int i = 0; i < 20_000; i++) {
        long t = (batch * 20_000L + i) * 1_000_000_000L;
        lp.append("cpu,host=h")
            .append(i % 50)
            .append(" usage=")
            .append(i * 0.5)
            .append(",note=\"row number ")
            .append(i)
            .append("\" ")
            .append(t)
            .append('\n');
      }
      influx.write(db, lp.toString());
    }
  }

  @AfterAll
  static void stop() {
    influx.thaw();
    influx.close();
  }

  private static InfluxClient client() {
    return new InfluxClient(
        InfluxConnection.of(influx.url())
            .withFormat(InfluxConnection.AnswerFormat.JSON)
            .withSilence(SILENCE));
  }

  @Test
  void aServerFrozenMidAnswerIsGivenUpAfterTheSilenceLimit() {
    AtomicBoolean frozen = new AtomicBoolean();
    long[] started = new long[1];
    InfluxException e =
        assertThrows(
            InfluxException.class,
            () ->
                client()
                    .query(
                        db,
                        "SELECT * FROM cpu",
                        new InfluxClient.RowSink() {
                          @Override
                          public void series(Map<String, String> tags, List<String> columns) {}

                          @Override
                          public void value(int column, InfluxClient.Cell cell) {
                            if (frozen.compareAndSet(false, true)) {
                              influx.freeze();
                              started[0] = System.nanoTime();
                            }
                          }
                        }));
    double waited = (System.nanoTime() - started[0]) / 1e9;
    influx.thaw();
    assertTrue(frozen.get(), "the answer had begun");
    assertTrue(
        e.getMessage().contains("InfluxDB at " + influx.url() + " sent nothing for 2s"),
        e.getMessage());
    assertTrue(waited >= 2 && waited < 10, "gave up after " + waited + " s");
  }

  @Test
  void aServerFrozenBeforeItAnswersIsGivenUpAfterTheSilenceLimit() {
    influx.freeze();
    long started = System.nanoTime();
    InfluxException e;
    try {
      e = assertThrows(InfluxException.class, () -> client().measurements(db));
    } finally {
      influx.thaw();
    }
    double waited = (System.nanoTime() - started) / 1e9;
    assertTrue(
        e.getMessage().contains("InfluxDB at " + influx.url() + " sent nothing for 2s"),
        e.getMessage());
    assertTrue(waited >= 2 && waited < 10, "gave up after " + waited + " s");
  }

  /** The same for a statement sent on with a caller's deadline (the blocking transport). */
  @Test
  void aStatementSentOnIsGivenUpAfterTheSilenceLimitToo() {
    influx.freeze();
    long started = System.nanoTime();
    InfluxException before;
    try {
      before =
          assertThrows(
              InfluxException.class,
              () ->
                  client()
                      .query(
                          db,
                          Optional.empty(),
                          "SELECT count(usage) FROM cpu",
                          Duration.ofSeconds(30),
                          new InfluxClient.RowSink() {
                            @Override
                            public void series(Map<String, String> tags, List<String> columns) {}

                            @Override
                            public void value(int column, InfluxClient.Cell cell) {}
                          }));
    } finally {
      influx.thaw();
    }
    double waited = (System.nanoTime() - started) / 1e9;
    assertTrue(
        before.getMessage().contains("InfluxDB at " + influx.url() + " sent nothing for 2s"),
        before.getMessage());
    assertTrue(waited >= 2 && waited < 10, "gave up after " + waited + " s");

    AtomicBoolean frozen = new AtomicBoolean();
    long[] midway = new long[1];
    InfluxException during =
        assertThrows(
            InfluxException.class,
            () ->
                client()
                    .query(
                        db,
                        Optional.empty(),
                        "SELECT * FROM cpu",
                        Duration.ofSeconds(30),
                        new InfluxClient.RowSink() {
                          @Override
                          public void series(Map<String, String> tags, List<String> columns) {}

                          @Override
                          public void value(int column, InfluxClient.Cell cell) {
                            if (frozen.compareAndSet(false, true)) {
                              influx.freeze();
                              midway[0] = System.nanoTime();
                            }
                          }
                        }));
    double stalled = (System.nanoTime() - midway[0]) / 1e9;
    influx.thaw();
    assertTrue(frozen.get(), "the answer had begun");
    assertTrue(
        during.getMessage().contains("InfluxDB at " + influx.url() + " sent nothing for 2s"),
        during.getMessage());
    assertTrue(stalled >= 2 && stalled < 10, "gave up after " + stalled + " s");
  }

  /**
   * A read on the blocking transport (an export's window reads, a federated statement), whose
   * socket reads ignore interrupts, ends soon after its thread's interrupt: while it waits for a
   * frozen server's answer (not after the silence limit, a minute here), and in the middle of an
   * answer (not at its end).
   */
  @Test
  void aBlockingReadEndsSoonAfterItsThreadIsInterrupted() throws Exception {
    InfluxClient patient =
        new InfluxClient(InfluxConnection.of(influx.url()).withSilence(Duration.ofMinutes(1)));
    MeasurementSchema schema = patient.schema(db, Optional.empty(), "cpu");
    influx.freeze();
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    try {
      Thread reader =
          new Thread(
              () -> {
                try {
                  patient.readWindow(
                      db, Optional.empty(), 0, Long.MAX_VALUE / 4, new SeriesRows(schema));
                  failure.complete(null);
                } catch (Throwable t) {
                  failure.complete(t);
                }
              });
      reader.start();
      Thread.sleep(1_000);
      long interrupted = System.nanoTime();
      reader.interrupt();
      Throwable t = failure.get(20, TimeUnit.SECONDS);
      double waited = (System.nanoTime() - interrupted) / 1e9;
      assertTrue(
          t instanceof InfluxException && t.getMessage().contains("interrupted"),
          String.valueOf(t));
      assertTrue(waited < 2, "ended " + waited + " s after the interrupt");
    } finally {
      influx.thaw();
    }

    long[] afterInterrupt = {-1};
    InfluxException midAnswer =
        assertThrows(
            InfluxException.class,
            () ->
                patient.query(
                    db,
                    Optional.empty(),
                    "SELECT * FROM cpu",
                    Duration.ofMinutes(5),
                    new InfluxClient.RowSink() {
                      @Override
                      public void series(Map<String, String> tags, List<String> columns) {}

                      @Override
                      public void value(int column, InfluxClient.Cell cell) {
                        if (afterInterrupt[0] < 0) {
                          Thread.currentThread().interrupt();
                        }
                        afterInterrupt[0]++;
                      }
                    }));
    assertTrue(Thread.interrupted(), "the interrupt is kept");
    assertTrue(midAnswer.getMessage().contains("interrupted"), midAnswer.getMessage());
    // 200,000 rows of 4 columns: what was buffered is read, not the rest.
    assertTrue(afterInterrupt[0] < 100_000, afterInterrupt[0] + " values read after");
  }
}
