package io.tidewater.lifecycle.influx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.tidewater.lifecycle.parquet.FieldColumn;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.lifecycle.parquet.SchemaConflictException;
import io.tidewater.lifecycle.parquet.SeriesRows;
import io.tidewater.policy.Durations;
import io.tidewater.policy.rollup.FieldType;
import io.tidewater.util.Sweeper;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.msgpack.core.MessageInsufficientBufferException;
import org.msgpack.core.MessagePackException;

/**
 * InfluxQL over HTTP {@code /query}, streamed: responses are requested chunked (MessagePack, else
 * JSON) and decoded value by value as they arrive, rows going straight into {@link SeriesRows}, so
 * a window of any size never sits in memory as JSON or objects. Every statement error inside a 200
 * response is raised.
 */
public final class InfluxClient {

  /**
   * Blocking connections kept alive per InfluxDB (the JDK's {@code http.maxConnections}, read once
   * at the first kept connection), unless set on the command line. The JDK keeps only 5: past 5
   * statements at once each answer would close its connection and the next open a new one, and at a
   * dashboard's rate the closed sockets' TIME_WAIT would use up the ephemeral ports.
   */
  static final int KEPT_ALIVE = 64;

  static {
    if (System.getProperty("http.maxConnections") == null) {
      System.setProperty("http.maxConnections", String.valueOf(KEPT_ALIVE));
    }
  }

  private final InfluxConnection connection;
  private final HttpClient http;

  public InfluxClient(InfluxConnection connection) {
    this(connection, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
  }

  private InfluxClient(InfluxConnection connection, HttpClient http) {
    this.connection = connection;
    this.http = http;
  }

  /**
   * A client of the same server giving up on each query after {@code limit} (see {@link
   * InfluxConnection#withLimit}).
   */
  public InfluxClient limitedTo(Duration limit) {
    return new InfluxClient(connection.withLimit(limit));
  }

  /**
   * The measurement's columns, typed by SHOW TAG KEYS and SHOW FIELD KEYS (never guessed from
   * values).
   */
  public MeasurementSchema schema(String database, Optional<String> rp, String measurement) {
    String from = InfluxQl.measurement(database, rp, measurement);
    List<String> tags = new ArrayList<>();
    for (List<Object> row : rows(database, "SHOW TAG KEYS FROM " + from)) {
      tags.add((String) row.get(0));
    }
    Map<String, FieldType> fields = new LinkedHashMap<>();
    for (List<Object> row : rows(database, "SHOW FIELD KEYS FROM " + from)) {
      String name = (String) row.get(0);
      FieldType type = FieldType.fromInflux((String) row.get(1));
      FieldType earlier = fields.putIfAbsent(name, type);
      if (earlier != null && earlier != type) {
        throw new SchemaConflictException(
            "field '"
                + name
                + "' of "
                + database
                + "."
                + measurement
                + " is "
                + earlier.influxName()
                + " in some shards and "
                + type.influxName()
                + " in others; export needs one type"
                + " (rewrite one shard's points with SELECT INTO, or drop the older shard)");
      }
    }
    List<FieldColumn> columns = new ArrayList<>();
    fields.forEach((name, type) -> columns.add(new FieldColumn(name, type)));
    return new MeasurementSchema(measurement, tags, columns);
  }

  /** The databases of the server. */
  public List<String> databases() {
    List<String> names = new ArrayList<>();
    for (List<Object> row : rows("", "SHOW DATABASES")) {
      names.add((String) row.get(0));
    }
    return names;
  }

  /** The measurements of a database. */
  public List<String> measurements(String database) {
    List<String> names = new ArrayList<>();
    for (List<Object> row : rows(database, "SHOW MEASUREMENTS")) {
      names.add((String) row.get(0));
    }
    return names;
  }

  /** The time of the measurement's earliest point (epoch ns), if it has any. */
  public Optional<Long> earliestTime(String database, Optional<String> rp, String measurement) {
    List<List<Object>> rows =
        rows(
            database,
            "SELECT * FROM "
                + InfluxQl.measurement(database, rp, measurement)
                + " ORDER BY time ASC LIMIT 1");
    return rows.isEmpty()
        ? Optional.empty()
        : Optional.of(((Number) rows.get(0).get(0)).longValue());
  }

  /**
   * The starts (epoch ns) of the {@code window}-long, epoch-aligned windows of {@code [from, to)}
   * that hold at least one point, found with one {@code count(*) ... GROUP BY time(window)}.
   */
  public List<Long> windowsWithData(
      String database,
      Optional<String> rp,
      String measurement,
      long from,
      long to,
      Duration window) {
    List<Long> starts = new ArrayList<>();
    String q =
        "SELECT count(*) FROM "
            + InfluxQl.measurement(database, rp, measurement)
            + " WHERE time >= "
            + InfluxQl.time(from)
            + " AND time < "
            + InfluxQl.time(to)
            + " GROUP BY time("
            + window.toSeconds()
            + "s) fill(none)";
    for (List<Object> row : rows(database, q)) {
      for (int c = 1; c < row.size(); c++) {
        if (row.get(c) instanceof Number n && n.longValue() > 0) {
          starts.add(((Number) row.get(0)).longValue());
          break;
        }
      }
    }
    return starts;
  }

  /**
   * Values per field in each {@code window}-long, epoch-aligned window of {@code [from, to)}:
   * window start (epoch ns) to field to count, windows without points left out. One {@code count(*)
   * ... GROUP BY time(window)}.
   */
  public Map<Long, Map<String, Long>> valueCountsPerWindow(
      String database,
      Optional<String> rp,
      String measurement,
      long from,
      long to,
      Duration window) {
    Map<Long, Map<String, Long>> out = new TreeMap<>();
    String q =
        "SELECT count(*) FROM "
            + InfluxQl.measurement(database, rp, measurement)
            + " WHERE time >= "
            + InfluxQl.time(from)
            + " AND time < "
            + InfluxQl.time(to)
            + " GROUP BY time("
            + window.toSeconds()
            + "s) fill(none)";
    stream(
        database,
        q,
        new RowSink() {
          List<String> columns = List.of();
          Map<String, Long> current;

          @Override
          public void series(Map<String, String> tags, List<String> columns) {
            this.columns = columns;
          }

          @Override
          public void value(int column, Cell cell) {
            if (column == 0) {
              current = out.computeIfAbsent(cell.asLong(), t -> new LinkedHashMap<>());
            } else if (!cell.isNull() && cell.asLong() > 0) {
              // count(*) names its columns count_<field>.
              current.merge(
                  columns.get(column).substring("count_".length()), cell.asLong(), Long::sum);
            }
          }
        });
    out.values().removeIf(Map::isEmpty);
    return out;
  }

  /**
   * Reads every point of {@code schema}'s measurement in {@code [from, to)} (epoch ns) into {@code
   * into}, series by series. Returns the number of rows read.
   */
  public long readWindow(
      String database, Optional<String> rp, long from, long to, SeriesRows into) {
    return readWindows(
        database, rp, new long[] {from, to}, new SeriesRows[] {into}, Long.MAX_VALUE)[0];
  }

  /**
   * Reads consecutive windows in one query: window {@code k} is {@code [bounds[k], bounds[k+1])}
   * (epoch ns, ascending) and its points go to {@code into[k]}, which share one schema. One query
   * for many small windows spares InfluxDB its per-query work (planning, an iterator per series),
   * which was most of an export of hourly windows. Returns the rows read per window; more than
   * {@code maxRows} in all stops the read with an error (read the windows alone then).
   */
  public long[] readWindows(
      String database, Optional<String> rp, long[] bounds, SeriesRows[] into, long maxRows) {
    if (bounds.length != into.length + 1 || into.length == 0) {
      throw new IllegalArgumentException(
          into.length + " windows need " + (into.length + 1) + " bounds, not " + bounds.length);
    }
    MeasurementSchema schema = into[0].schema();
    String q =
        "SELECT * FROM "
            + InfluxQl.measurement(database, rp, schema.measurement())
            + " WHERE time >= "
            + InfluxQl.time(bounds[0])
            + " AND time < "
            + InfluxQl.time(bounds[into.length])
            + " GROUP BY *";
    long[] count = new long[into.length];
    // The blocking transport: the reading thread reads the socket itself, where the asynchronous
    // client handed every buffer over from its selector thread (a tenth of an export's CPU).
    streamBlocking(
        database,
        Optional.empty(),
        q,
        new RowSink() {
          SeriesRows rows = into[0];
          int window = 0;
          long read;
          int[] fieldOf;
          FieldType[] typeOf;
          String[] seriesTags;

          @Override
          public void series(Map<String, String> tags, List<String> columns) {
            fieldOf = new int[columns.size()];
            typeOf = new FieldType[columns.size()];
            for (int c = 1; c < columns.size(); c++) {
              int f = schema.fieldIndex(columns.get(c));
              if (f < 0) {
                throw new InfluxException(
                    "field '"
                        + columns.get(c)
                        + "' of "
                        + schema.measurement()
                        + " appeared while"
                        + " exporting; the export will be retried with the new schema",
                    null);
              }
              fieldOf[c] = f;
              typeOf[c] = schema.fields().get(f).type();
            }
            seriesTags = new String[schema.tags().size()];
            for (int t = 0; t < seriesTags.length; t++) {
              String v = tags.get(schema.tags().get(t));
              seriesTags[t] =
                  v == null || v.isEmpty() ? null : v; // GROUP BY * reports absent tags as ""
            }
            for (String tag : tags.keySet()) {
              if (schema.tagIndex(tag) < 0 && !tags.get(tag).isEmpty()) {
                throw new InfluxException(
                    "tag '"
                        + tag
                        + "' of "
                        + schema.measurement()
                        + " appeared while exporting;"
                        + " the export will be retried with the new schema",
                    null);
              }
            }
          }

          @Override
          public void value(int column, Cell cell) {
            if (column == 0) {
              long time = cell.asLong();
              // Each series arrives in time order: its window moves forward, and back at the next
              // series.
              if (time < bounds[window] || time >= bounds[window + 1]) {
                window = windowOf(bounds, time);
                rows = into[window];
              }
              if (++read > maxRows) {
                throw new InfluxException(
                    "more than " + maxRows + " rows in " + into.length + " windows", null);
              }
              rows.startRow(time);
              for (int t = 0; t < seriesTags.length; t++) {
                rows.tag(t, seriesTags[t]);
              }
              count[window]++;
              return;
            }
            if (cell.isNull()) {
              return;
            }
            int f = fieldOf[column];
            switch (typeOf[column]) {
              case FLOAT -> rows.setDouble(f, cell.asDouble());
              case INTEGER, UNSIGNED -> rows.setLong(f, cell.asLong());
              case BOOLEAN -> rows.setBoolean(f, cell.asBoolean());
              case STRING -> rows.setString(f, cell.asString());
            }
          }
        });
    return count;
  }

  private static int windowOf(long[] bounds, long time) {
    int i = Arrays.binarySearch(bounds, time);
    int window = i >= 0 ? i : -i - 2;
    if (window < 0 || window >= bounds.length - 1) {
      throw new InfluxException(
          "InfluxDB answered a point at "
              + time
              + " outside ["
              + bounds[0]
              + ", "
              + bounds[bounds.length - 1]
              + ")",
          null);
    }
    return window;
  }

  /**
   * A small result as rows of plain values (numbers, strings, booleans, null), e.g. SHOW or count
   * queries.
   */
  public List<List<Object>> rows(String database, String influxql) {
    List<List<Object>> rows = new ArrayList<>();
    stream(
        database,
        influxql,
        new RowSink() {
          List<Object> current;

          @Override
          public void series(Map<String, String> tags, List<String> columns) {}

          @Override
          public void value(int column, Cell cell) {
            if (column == 0) {
              current = new ArrayList<>();
              rows.add(current);
            }
            current.add(cell.asObject());
          }
        });
    return rows;
  }

  /**
   * Streams the answer to {@code influxql} into {@code sink} as it arrives. A sink may stop the
   * stream by throwing; the connection is closed either way.
   */
  public void query(String database, String influxql, RowSink sink) {
    stream(database, influxql, sink);
  }

  /**
   * As {@link #query(String, String, RowSink)} with {@code rp} as the statement's default retention
   * policy (InfluxDB's {@code rp} parameter), giving up after {@code limit} if that is shorter than
   * the connection's limits (a caller's deadline), on this client's connections.
   */
  public void query(
      String database, Optional<String> rp, String influxql, Duration limit, RowSink sink) {
    new InfluxClient(connection.withLimit(limit), http)
        .streamBlocking(database, rp, influxql, sink);
  }

  /**
   * InfluxDB's answer to {@code influxql} as it writes it, unread: for a statement InfluxDB alone
   * answers, which the gateway passes on byte for byte instead of decoding and writing it again.
   * {@code options} are InfluxDB's answer parameters the client chose ({@code epoch}, {@code
   * pretty}, {@code chunked}, {@code chunk_size}; others are not sent), {@code accept} its format;
   * the client's credentials are never sent, this connection's are. Bounded as {@link #query}: the
   * silence limit and {@code limit} end a stalled or overlong answer. The caller closes it.
   */
  public Forwarded forward(
      String database,
      Optional<String> rp,
      String influxql,
      Map<String, String> options,
      String accept,
      Duration limit) {
    InfluxClient limited = new InfluxClient(connection.withLimit(limit), http);
    long started = System.nanoTime();
    BlockingAnswer answer =
        limited.post(
            forwardPath(options), accept, forwardForm(database, rp, influxql), influxql, null);
    HttpURLConnection c = answer.connection();
    return new Forwarded(
        answer.status(),
        c.getContentType() == null ? "application/json" : c.getContentType(),
        limited.new StallGuard(answer.body(), started, c::disconnect),
        c::disconnect);
  }

  /** The answer parameters {@link #forward} passes on. */
  private static final List<String> FORWARDED_OPTIONS =
      List.of("epoch", "pretty", "chunked", "chunk_size");

  /**
   * The path and query string of a statement passed on ({@link #forward}): the answer {@code
   * options} InfluxDB reads from the URL ({@code pretty} only from there), others dropped.
   */
  public static String forwardPath(Map<String, String> options) {
    StringBuilder path = new StringBuilder("/query");
    for (String key : FORWARDED_OPTIONS) {
      String value = options.get(key);
      if (value != null) {
        path.append(path.length() == 6 ? '?' : '&').append(key).append('=').append(encode(value));
      }
    }
    return path.toString();
  }

  /** The form body of a statement passed on: its database, retention policy and text. */
  public static String forwardForm(String database, Optional<String> rp, String influxql) {
    StringBuilder form = new StringBuilder("db=").append(encode(database));
    rp.ifPresent(r -> form.append("&rp=").append(encode(r)));
    return form.append("&q=").append(encode(influxql)).toString();
  }

  /** How to reach InfluxDB. */
  public InfluxConnection connection() {
    return connection;
  }

  /** The {@code Authorization} header this client sends, if its connection has credentials. */
  public Optional<String> authorizationHeader() {
    return authorization();
  }

  /**
   * An answer as InfluxDB wrote it: its status, content type and body, which fails reading when
   * InfluxDB stalls or the answer outlives its limit. Closing it ends the exchange.
   */
  public static final class Forwarded implements Closeable {
    private final int status;
    private final String contentType;
    private final InputStream body;
    private final Runnable disconnect;
    private volatile boolean ended;

    Forwarded(int status, String contentType, InputStream body, Runnable disconnect) {
      this.status = status;
      this.contentType = contentType;
      this.disconnect = disconnect;
      this.body =
          new FilterInputStream(body) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
              int n = in.read(b, off, len);
              ended |= n < 0;
              return n;
            }
          };
    }

    public int status() {
      return status;
    }

    public String contentType() {
      return contentType;
    }

    /** The body; read it with {@code read(byte[], int, int)}. */
    public InputStream body() {
      return body;
    }

    /**
     * Ends the exchange: a body read to its end leaves the connection to the JDK's keep-alive pool,
     * one cut short is disconnected (InfluxDB would otherwise go on writing into it).
     */
    @Override
    public void close() {
      if (!ended) {
        disconnect.run();
      }
      try {
        body.close();
      } catch (IOException e) {
        disconnect.run();
      }
    }
  }

  /** The server this client talks to, for messages. */
  public URI url() {
    return connection.url();
  }

  /** Receives a streamed result: each series' tags and columns, then its values one by one. */
  public interface RowSink {
    void series(Map<String, String> tags, List<String> columns);

    /** As above with the series' measurement; where a sink needs it. */
    default void series(String measurement, Map<String, String> tags, List<String> columns) {
      series(tags, columns);
    }

    /** The value of {@code column} (0 is time) of the current row. */
    void value(int column, Cell cell);
  }

  /** One value of an answer, whatever its encoding; valid until the next value is read. */
  public interface Cell {
    boolean isNull();

    long asLong();

    /** A float; InfluxDB's JSON writes float 2.0 as 2, which reads as 2.0 here too. */
    double asDouble();

    boolean asBoolean();

    String asString();

    /** Numbers (Long or Double), strings, booleans or null. */
    Object asObject();
  }

  private void stream(String database, String influxql, RowSink sink) {
    stream(database, Optional.empty(), influxql, sink);
  }

  private void stream(String database, Optional<String> rp, String influxql, RowSink sink) {
    Duration untilAnswer = untilAnswer();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(connection.url().resolve("/query"))
            .timeout(untilAnswer)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", connection.format().accept())
            .POST(HttpRequest.BodyPublishers.ofString(form(database, rp, influxql)));
    authorization().ifPresent(a -> request.header("Authorization", a));
    HttpResponse<InputStream> response;
    long started = System.nanoTime();
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw silent(untilAnswer, influxql, e);
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InfluxException("interrupted while querying InfluxDB", e);
    }
    InputStream raw = response.body();
    read(
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""),
        raw,
        () -> closeQuietly(raw),
        started,
        influxql,
        sink);
  }

  /**
   * As {@link #stream}, over a blocking HTTP/1.1 connection of the JDK's keep-alive pool: for one
   * short request a caller waits on, it answers a millisecond or two sooner than the asynchronous
   * client (measured: 0.6-1.0 ms against 1.2-3 ms for a 1 ms answer), and for a long one it costs
   * less CPU (no hand-over of every buffer). The connection's limits bound it (the silence as the
   * socket's read timeout, the whole answer by the stall watch, which disconnects), and the calling
   * thread's interrupt ends it ({@link Interruption}).
   */
  private void streamBlocking(String database, Optional<String> rp, String influxql, RowSink sink) {
    long started = System.nanoTime();
    Interruption interruption = new Interruption();
    INTERRUPTIONS.watch(interruption);
    try {
      BlockingAnswer answer =
          post(
              "/query",
              connection.format().accept(),
              form(database, rp, influxql),
              influxql,
              interruption);
      read(
          answer.status(),
          String.valueOf(answer.connection().getContentType()),
          answer.body(),
          answer.connection()::disconnect,
          started,
          influxql,
          sink);
    } finally {
      INTERRUPTIONS.unwatch(interruption);
    }
  }

  /** Checks blocking reads for their thread's interrupt (one daemon thread for all clients). */
  private static final Sweeper<Interruption> INTERRUPTIONS =
      new Sweeper<>(
          "tidewater-influx-interrupt-watch", Duration.ofMillis(100), Interruption::check);

  /**
   * Makes the wait for a blocking answer's status cancellable: a socket read ignores its thread's
   * interrupt, so once the thread is interrupted the connection is closed (within the watch's
   * period), which fails the wait. The answer's body is then read by the thread itself, which
   * checks its interrupt before every read ({@link StallGuard}); a server frozen in the middle of
   * an answer holds it until the silence limit.
   */
  private static final class Interruption {
    private final Thread thread = Thread.currentThread();
    private HttpURLConnection connection;

    synchronized void waitingFor(HttpURLConnection c) {
      connection = c;
    }

    /** The status arrived: from here the reading thread sees its interrupt itself. */
    synchronized void answered() {
      connection = null;
      INTERRUPTIONS.unwatch(this);
    }

    // Synchronized with answered(): a disconnect once the body is being read would wait on the
    // reading thread's lock of the body's stream (for as long as a frozen server stays silent).
    synchronized void check() {
      if (connection != null && thread.isInterrupted()) {
        INTERRUPTIONS.unwatch(this);
        connection.disconnect();
      }
    }
  }

  /** An answer whose status has arrived over a blocking connection; its body not yet read. */
  private record BlockingAnswer(HttpURLConnection connection, int status, InputStream body) {}

  /**
   * POSTs {@code form} to {@code path} (with its query string) over a blocking HTTP/1.1 connection
   * of the JDK's keep-alive pool, with this connection's credentials, and waits for the status no
   * longer than InfluxDB may be silent (the socket's read timeout, for the body's reads too). The
   * connection is given to {@code interruption} (if not null) as soon as it exists.
   */
  private BlockingAnswer post(
      String path, String accept, String form, String influxql, Interruption interruption) {
    Duration untilAnswer = untilAnswer();
    HttpURLConnection c;
    int status;
    try {
      c = (HttpURLConnection) connection.url().resolve(path).toURL().openConnection();
      if (interruption != null) {
        interruption.waitingFor(c);
      }
      c.setConnectTimeout(10_000);
      c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, untilAnswer.toMillis())));
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
      c.setRequestProperty("Accept", accept);
      authorization().ifPresent(a -> c.setRequestProperty("Authorization", a));
      // Buffered, not streamed: the JDK sends a buffered POST again once when a kept-alive
      // connection turns out closed (InfluxDB restarted); a disconnect forbids that retry.
      try (OutputStream out = c.getOutputStream()) {
        out.write(form.getBytes(StandardCharsets.UTF_8));
      }
      status = c.getResponseCode();
      if (interruption != null) {
        interruption.answered(); // the answer's reads see the interrupt themselves (StallGuard)
      }
    } catch (SocketTimeoutException e) {
      throw silent(untilAnswer, influxql, e);
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InfluxException("interrupted while querying InfluxDB", e); // Interruption
      }
      throw unreachable(e);
    }
    try {
      InputStream raw = status >= 400 ? c.getErrorStream() : c.getInputStream();
      return new BlockingAnswer(c, status, raw == null ? InputStream.nullInputStream() : raw);
    } catch (IOException e) {
      c.disconnect();
      throw unreachable(e);
    }
  }

  private String form(String database, Optional<String> rp, String influxql) {
    StringBuilder form =
        new StringBuilder("epoch=ns&chunked=true&chunk_size=")
            .append(connection.chunkSize())
            .append("&db=")
            .append(encode(database))
            .append("&q=")
            .append(encode(influxql));
    rp.ifPresent(r -> form.append("&rp=").append(encode(r)));
    return form.toString();
  }

  /** Until the answer begins InfluxDB is silent: the shorter of the two limits applies. */
  private Duration untilAnswer() {
    return connection.silence().compareTo(connection.timeout()) < 0
        ? connection.silence()
        : connection.timeout();
  }

  private Optional<String> authorization() {
    if (connection.username().isPresent()) {
      return Optional.of(
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(
                      (connection.username().get() + ":" + connection.password().orElseThrow())
                          .getBytes(StandardCharsets.UTF_8)));
    }
    return connection.token().map(t -> "Token " + t);
  }

  private InfluxException silent(Duration untilAnswer, String influxql, Exception e) {
    return InfluxException.unanswered(
        "InfluxDB at "
            + connection.url()
            + " sent nothing for "
            + Durations.format(untilAnswer)
            + " after "
            + influxql
            + " was sent: stopped",
        e);
  }

  private InfluxException unreachable(IOException e) {
    return InfluxException.unanswered(
        "InfluxDB at " + connection.url() + " is unreachable: " + e.getMessage(), e);
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // closing is what stops the read; how it ends is reported by the reader
    }
  }

  /**
   * Reads an answer: its error, or its rows into {@code sink}; {@code abort} stops a read blocked
   * on a stalled server (from the stall watch).
   */
  private void read(
      int status,
      String contentType,
      InputStream raw,
      Runnable abort,
      long started,
      String influxql,
      RowSink sink) {
    boolean msgpack = contentType.contains("msgpack");
    try (StallGuard body = new StallGuard(raw, started, abort)) {
      if (status != 200) {
        String error = msgpack ? MsgpackAnswer.error(body) : JsonAnswer.error(body);
        if (status == 400) {
          throw InfluxException.rejected(
              influxql, "400 " + (error == null ? "(no error message)" : error));
        }
        throw new InfluxException(
            "InfluxDB answered "
                + status
                + " to "
                + influxql
                + ": "
                + (error == null ? "(no error message)" : error),
            null);
      }
      if (msgpack) {
        MsgpackAnswer.decode(body, influxql, sink);
      } else {
        JsonAnswer.decode(body, influxql, sink);
      }
    } catch (JsonEOFException | MessageInsufficientBufferException e) {
      throw InfluxException.unanswered(
          "InfluxDB's answer to " + influxql + " was cut off: " + e.getMessage(), e);
    } catch (JsonProcessingException | MessagePackException e) {
      // An answer that came whole but cannot be read: asking again would get the same, not wait.
      throw new InfluxException(
          "InfluxDB's answer to " + influxql + " could not be read: " + e.getMessage(), e);
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InfluxException("interrupted while reading InfluxDB's answer to " + influxql, e);
      }
      throw InfluxException.unanswered(
          "reading InfluxDB's answer to " + influxql + " failed: " + e.getMessage(), e);
    } catch (StallGuard.Stalled e) {
      throw InfluxException.unanswered(
          "InfluxDB at "
              + connection.url()
              + " "
              + e.getMessage()
              + " while answering "
              + influxql
              + ": stopped",
          null);
    }
  }

  /** Checks open answers every second for stalls (one daemon thread for all clients). */
  private static final Sweeper<StallGuard> WATCH =
      new Sweeper<>("tidewater-influx-stall-watch", Duration.ofSeconds(1), StallGuard::check);

  /**
   * An answer's body that is closed from the watch thread when InfluxDB sends nothing for the
   * connection's silence limit, or the query outlives its timeout: a blocked read then fails
   * (closing unblocks it) and {@link Stalled} says why. Without it a server that stops mid-answer
   * would hold the reading thread forever.
   */
  private final class StallGuard extends FilterInputStream {
    private final long started;
    private volatile long lastRead = System.nanoTime();
    private volatile String stalled;

    private final Runnable abort;

    /** {@code abort}: what unblocks a read of {@code body} (closing it, or the connection). */
    StallGuard(InputStream body, long started, Runnable abort) {
      super(body);
      this.started = started;
      this.abort = abort;
      WATCH.watch(this);
    }

    private void check() {
      long now = System.nanoTime();
      if (now - lastRead > connection.silence().toNanos()) {
        stalled = "sent nothing for " + Durations.format(connection.silence());
      } else if (now - started > connection.timeout().toNanos()) {
        stalled = "took longer than " + Durations.format(connection.timeout());
      } else {
        return;
      }
      WATCH.unwatch(this);
      abort.run();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (Thread.currentThread().isInterrupted()) {
        // A cancelled read stops here: the blocking transport's socket reads ignore interrupts.
        throw new InterruptedIOException("interrupted");
      }
      int n;
      try {
        n = in.read(b, off, len);
      } catch (IOException e) {
        if (stalled != null) {
          throw new Stalled(stalled);
        }
        if (e instanceof SocketTimeoutException) {
          // The blocking transport's read timeout: the silence limit, seen by the socket first.
          throw new Stalled("sent nothing for " + Durations.format(untilAnswer()));
        }
        throw e;
      }
      if (n < 0 && stalled != null) {
        throw new Stalled(stalled);
      }
      lastRead = System.nanoTime();
      return n;
    }

    @Override
    public void close() throws IOException {
      WATCH.unwatch(this);
      super.close();
    }

    /** The answer was cut off because InfluxDB stalled. */
    static final class Stalled extends RuntimeException {
      private static final long serialVersionUID = 1L;

      Stalled(String why) {
        super(why, null, false, false);
      }
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
