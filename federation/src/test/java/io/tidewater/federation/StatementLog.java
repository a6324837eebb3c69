package io.tidewater.federation;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP relay in front of a real influxd that writes down every InfluxQL statement sent
 * through it, so tests can tell how many queries the gateway sent and which (the answers are
 * influxd's own, relayed unchanged once whole).
 */
final class StatementLog implements AutoCloseable {

  private final URI target;
  private final HttpServer server;
  private final ExecutorService relays = Executors.newCachedThreadPool();
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<String> statements = Collections.synchronizedList(new ArrayList<>());

  StatementLog(URI influx) throws IOException {
    this.target = influx;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::relay);
    server.setExecutor(relays);
    server.start();
  }

  /** The relay's address, to give the client instead of influxd's. */
  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The {@code SELECT} statements sent since the last call, in order; the log is then emptied. */
  List<String> takeSelects() {
    synchronized (statements) {
      List<String> selects = statements.stream().filter(s -> s.startsWith("SELECT")).toList();
      statements.clear();
      return selects;
    }
  }

  private void relay(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String form = new String(body, StandardCharsets.UTF_8);
      String query = exchange.getRequestURI().getRawQuery();
      for (String pair : (form + "&" + (query == null ? "" : query)).split("&")) {
        if (pair.startsWith("q=")) {
          statements.add(URLDecoder.decode(pair.substring(2), StandardCharsets.UTF_8));
        }
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      for (String header : List.of("Content-Type", "Accept", "Authorization")) {
        String value = exchange.getRequestHeaders().getFirst(header);
        if (value != null) {
          request.header(header, value);
        }
      }
      // Relayed whole, in one write: small chunked writes meet Nagle's algorithm and delayed ACKs
      // (40 ms each).
      HttpResponse<byte[]> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      response
          .headers()
          .firstValue("Content-Type")
          .ifPresent(v -> exchange.getResponseHeaders().add("Content-Type", v));
      byte[] answer = response.body();
      // A kept-alive connection is taken up again by the JDK server only at its next 1 s select
      // tick.
      exchange.getResponseHeaders().add("Connection", "close");
      exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    relays.shutdownNow();
  }
}
