package io.tidewater.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged gateway ({@code quarkus-run.jar}) run as its own process on a free loopback port.
 */
public final class GatewayProcess implements AutoCloseable {

  /** Where {@code ./mvnw package} puts the gateway, relative to the repository root. */
  public static final Path DEFAULT_JAR = Path.of("gateway/target/quarkus-app/quarkus-run.jar");

  private final Process process;
  private final int port;
  private final Path log;

  private GatewayProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts the gateway (with the JVM options of system property {@code
   * tidewater.bench.gateway-jvm}, if set) with {@code settings} as system properties (plus {@code
   * quarkus.http.port}) and waits until {@code /q/health/live} answers; its output goes to {@code
   * log}.
   */
  public static GatewayProcess start(Path jar, Map<String, String> settings, Path log)
      throws Exception {
    return start(jar, settings, log, freePort());
  }

  /** As above on {@code port}: a restart on the same port keeps the gateway's default id. */
  public static GatewayProcess start(Path jar, Map<String, String> settings, Path log, int port)
      throws Exception {
    if (!Files.exists(jar)) {
      throw new IllegalStateException(
          jar.toAbsolutePath()
              + " is missing: build the gateway first"
              + " (./mvnw -B package -DskipTests)");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(ExportThroughputReport.HTTP_BUFFER); // as the README's launch commands
    // For profiling the gateway under a benchmark:
    // -Dtidewater.bench.gateway-jvm="-XX:StartFlightRecording=..."
    String jvm = System.getProperty("tidewater.bench.gateway-jvm", "").trim();
    if (!jvm.isEmpty()) {
      command.addAll(List.of(jvm.split("\\s+")));
    }
    settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-Dquarkus.http.port=" + port);
    // Measured beside an InfluxDB without auth: the gateway's engine, not token checks.
    command.add("-Dtidewater.auth.enabled=false");
    command.add("-jar");
    command.add(jar.toString());
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    GatewayProcess gateway = new GatewayProcess(p, port, log);
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline && p.isAlive()) {
      try {
        if (http.send(
                    HttpRequest.newBuilder(gateway.url().resolve("/q/health/live")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return gateway;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(200);
    }
    p.destroyForcibly();
    throw new IllegalStateException("the gateway did not start:\n" + Files.readString(log));
  }

  /** Kills the gateway at once (SIGKILL), as a crash would. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(20, TimeUnit.SECONDS);
  }

  public int port() {
    return port;
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public Path log() {
    return log;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
