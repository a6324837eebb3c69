package io.tidewater.gateway;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged gateway as a process, auth off, reading {@code influx}. */
record GatewayProcess(Process process, int port, Path logFile) implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  static GatewayProcess start(Path dir, URI influx, List<String> jvm) throws IOException {
    return start(dir, influx, jvm, List.of("-Dtidewater.lake.uri=" + dir.resolve("lake").toUri()));
  }

  static GatewayProcess start(Path dir, URI influx, List<String> jvm, List<String> lake)
      throws IOException {
    return start(dir, influx, jvm, lake, freePort());
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** On {@code port}: a restart on the same port keeps the gateway's default id. */
  static GatewayProcess start(Path dir, URI influx, List<String> jvm, List<String> lake, int port)
      throws IOException {
    Files.createDirectories(dir);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvm);
    command.addAll(lake);
    command.addAll(
        List.of(
            "-Dtidewater.auth.enabled=false",
            "-Dtidewater.influx.url=" + influx,
            "-Dtidewater.cdc.log-dir=" + dir.resolve("cdc-log"),
            "-Dquarkus.http.port=" + port,
            "-jar",
            System.getProperty("quarkus.app.jar")));
    Path log = dir.resolve("gateway-" + System.nanoTime() + ".log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new GatewayProcess(p, port, log);
  }

  /** The readiness status once the gateway answers (200 ready, 503 not). */
  int awaitReady() throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline) && process.isAlive()) {
      try {
        int status =
            HTTP.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (status == 200 || status == 503) {
          return status;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(200);
    }
    return -1;
  }

  HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String json) throws Exception {
    return send(path, "application/json", json);
  }

  HttpResponse<String> postForm(String path, String form) throws Exception {
    return send(path, "application/x-www-form-urlencoded", form);
  }

  private HttpResponse<String> send(String path, String type, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  String log() throws IOException {
    return Files.exists(logFile) ? Files.readString(logFile) : "";
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
