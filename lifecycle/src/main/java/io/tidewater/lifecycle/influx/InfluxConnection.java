package io.tidewater.lifecycle.influx;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach InfluxDB's query API: 1.x directly, 2.x and 3.x through their v1-compatible {@code
 * /query} (databases and retention policies mapped to buckets there).
 *
 * @param token sent as {@code Authorization: Token ...} (InfluxDB 2.x/3.x, or 1.x with JWT off)
 * @param username with {@code password}: HTTP basic authentication (InfluxDB 1.x)
 * @param timeout the longest a query may take, its whole answer read
 * @param silence the longest InfluxDB may send nothing while a query is under way (before its
 *     answer begins and between chunks): past it the query is stopped and fails naming InfluxDB,
 *     instead of waiting on a stalled server until {@code timeout}
 * @param chunkSize rows per chunk InfluxDB streams back
 * @param format the answer encoding to ask for
 */
public record InfluxConnection(
    URI url,
    Optional<String> token,
    Optional<String> username,
    Optional<String> password,
    Duration timeout,
    Duration silence,
    int chunkSize,
    AnswerFormat format) {

  /**
   * The default {@code silence}: longer than InfluxDB takes to begin a heavy aggregate's answer.
   */
  public static final Duration DEFAULT_SILENCE = Duration.ofMinutes(2);

  /**
   * What to ask InfluxDB to answer in; a server that cannot answers JSON, which is read as well.
   */
  public enum AnswerFormat {
    /** Binary numbers: cheaper for InfluxDB to write and for us to read (InfluxDB 1.x). */
    MSGPACK("application/x-msgpack"),
    JSON("application/json");

    private final String accept;

    AnswerFormat(String accept) {
      this.accept = accept;
    }

    public String accept() {
      return accept;
    }
  }

  public InfluxConnection {
    Objects.requireNonNull(url, "url");
    if (silence.isNegative() || silence.isZero() || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("InfluxDB's timeout and silence limit must be positive");
    }
    if (username.isPresent() != password.isPresent()) {
      throw new IllegalArgumentException(
          "InfluxDB basic authentication needs both a username and a password");
    }
    if (token.isPresent() && username.isPresent()) {
      throw new IllegalArgumentException(
          "give InfluxDB either a token or a username and password, not both");
    }
  }

  public static InfluxConnection of(URI url) {
    return new InfluxConnection(
        url,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Duration.ofMinutes(10),
        DEFAULT_SILENCE,
        10_000,
        AnswerFormat.MSGPACK);
  }

  public InfluxConnection withFormat(AnswerFormat answerFormat) {
    return new InfluxConnection(
        url, token, username, password, timeout, silence, chunkSize, answerFormat);
  }

  /** This connection giving up on a query after InfluxDB sent nothing for {@code quiet}. */
  public InfluxConnection withSilence(Duration quiet) {
    return new InfluxConnection(url, token, username, password, timeout, quiet, chunkSize, format);
  }

  /**
   * This connection giving up on a query after {@code limit} in all, or sooner where its own limits
   * say so.
   */
  public InfluxConnection withLimit(Duration limit) {
    return new InfluxConnection(
        url,
        token,
        username,
        password,
        timeout.compareTo(limit) < 0 ? timeout : limit,
        silence.compareTo(limit) < 0 ? silence : limit,
        chunkSize,
        format);
  }

  /** Never prints credentials. */
  @Override
  public String toString() {
    return "InfluxConnection["
        + url
        + (token.isPresent() ? ", token" : "")
        + username.map(u -> ", user " + u).orElse("")
        + "]";
  }
}
