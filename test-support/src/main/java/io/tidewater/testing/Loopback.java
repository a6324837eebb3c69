package io.tidewater.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.IntFunction;
import javax.net.ssl.SSLContext;

/** Free ports and readiness probes on 127.0.0.1. */
final class Loopback {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private Loopback() {}

  /** A port that was free a moment ago; servers are started with retries in case it is taken. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /**
   * Runs {@code attempt} with a free port, up to three times: a port that was free when chosen may
   * be taken by the time the server binds it, which shows as a server that fails to start.
   */
  static <T> T onFreePort(IntFunction<T> attempt) {
    IllegalStateException last = null;
    for (int i = 0; i < 3; i++) {
      try {
        return attempt.apply(freePort());
      } catch (MissingServerException e) {
        throw e;
      } catch (IllegalStateException e) {
        last = e;
      }
    }
    throw last;
  }

  /** The status of a GET to {@code uri}, or -1 if nothing answers there yet. */
  static int status(URI uri) {
    return status(HTTP, uri);
  }

  /** A client for readiness checks, trusting {@code trusting} (null: the JVM's CAs). */
  static HttpClient client(SSLContext trusting) {
    return trusting == null ? HTTP : HttpClient.newBuilder().sslContext(trusting).build();
  }

  /** The status of a GET of {@code uri} through {@code client}, or -1 if it did not answer. */
  static int status(HttpClient client, URI uri) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build();
      return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
