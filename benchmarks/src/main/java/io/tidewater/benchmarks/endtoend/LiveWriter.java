package io.tidewater.benchmarks.endtoend;

import io.tidewater.util.Threads;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps the data set current while the benchmark runs, as a fleet would: every few seconds it
 * writes each host's points of the minutes since the last write through the gateway's {@code
 * /write} (so "recent" queries find recent points and change capture sees live writes).
 */
final class LiveWriter implements AutoCloseable {

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(Threads.daemon("live-writer"));
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final AtomicLong lines = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile String lastError;

  LiveWriter(DataSet data, URI gateway) {
    URI write =
        gateway.resolve(
            "/write?precision=ns&db=" + URLEncoder.encode(data.database, StandardCharsets.UTF_8));
    Random random = new Random(7);
    long[] next = {data.end.getEpochSecond() / 60};
    timer.scheduleWithFixedDelay(
        () -> {
          long now = Instant.now().getEpochSecond() / 60;
          if (now <= next[0]) {
            return;
          }
          String body = data.minutes(next[0], now, random);
          try {
            HttpResponse<String> r =
                http.send(
                    HttpRequest.newBuilder(write)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 204) {
              throw new IllegalStateException(r.statusCode() + " " + r.body());
            }
            lines.addAndGet(body.chars().filter(c -> c == '\n').count());
            next[0] = now;
          } catch (Exception e) {
            failures.incrementAndGet();
            lastError = e.toString();
          }
        },
        0,
        5,
        TimeUnit.SECONDS);
  }

  long lines() {
    return lines.get();
  }

  long failures() {
    return failures.get();
  }

  String lastError() {
    return lastError;
  }

  @Override
  public void close() throws InterruptedException {
    timer.shutdownNow();
    timer.awaitTermination(10, TimeUnit.SECONDS);
  }
}
