package io.tidewater.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * A real InfluxDB 1.x ({@code influxd}) on a free loopback port with its data in a temporary
 * folder.
 *
 * <p>Tests share one server per JVM (see {@link TestServers}) and isolate themselves by database:
 * {@link #newDatabase(String)} creates a database with a name no other test uses.
 */
public final class InfluxServer extends RealServer {

  static final String INSTALL_HINT =
      "Install InfluxDB 1.x: as root, `apt-get install influxdb` (Debian ships 1.6.7), or run .ci/run;"
          + " or point system property testservers.influxd at an influxd binary.";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final HttpClient client;
  private final String scheme;

  private InfluxServer(
      ServerHome home,
      int port,
      Supplier<ManagedProcess> launcher,
      HttpClient client,
      String scheme) {
    super(home, port, launcher);
    this.client = client;
    this.scheme = scheme;
  }

  /** Starts influxd and waits until {@code /ping} answers 204. */
  public static InfluxServer start() {
    return start("");
  }

  /**
   * Starts influxd with extra settings for its {@code [data]} section (e.g. compaction intervals
   * for size measurements), and waits until {@code /ping} answers 204.
   */
  public static InfluxServer start(String extraDataSettings) {
    return start(extraDataSettings, "", HTTP, "http");
  }

  /**
   * Starts influxd serving HTTPS only, with {@code certificate} and {@code privateKey} (PEM), for
   * tests of clients trusting a private CA; this object's own requests trust {@code trusting}.
   */
  public static InfluxServer startHttps(Path certificate, Path privateKey, SSLContext trusting) {
    String https =
        String.join(
            "\n",
            "  https-enabled = true",
            "  https-certificate = \"" + certificate + "\"",
            "  https-private-key = \"" + privateKey + "\"");
    HttpClient client =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).sslContext(trusting).build();
    return start("", https, client, "https");
  }

  private static InfluxServer start(
      String extraDataSettings, String extraHttpSettings, HttpClient client, String scheme) {
    Path influxd =
        Executables.require(
            "testservers.influxd", "influxd", INSTALL_HINT, Path.of("/usr/bin/influxd"));
    ServerHome home = ServerHome.create("influxd");
    try {
      return Loopback.onFreePort(
          http -> {
            Path config =
                home.write(
                    "influxdb.conf",
                    config(home, http, Loopback.freePort(), extraDataSettings, extraHttpSettings));
            URI ping = URI.create(scheme + "://127.0.0.1:" + http + "/ping");
            return new InfluxServer(
                home,
                http,
                () -> {
                  ManagedProcess process =
                      ManagedProcess.start(
                          "influxd",
                          List.of(influxd.toString(), "run", "-config", config.toString()),
                          home.dir(),
                          home.log());
                  process.awaitReady(() -> status(client, ping) == 204, Duration.ofSeconds(30));
                  return process;
                },
                client,
                scheme);
          });
    } catch (RuntimeException e) {
      home.delete();
      throw e;
    }
  }

  private static int status(HttpClient client, URI uri) {
    try {
      return client
          .send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String config(
      ServerHome home, int http, int rpc, String extraDataSettings, String extraHttpSettings) {
    return String.join(
        "\n",
        "reporting-disabled = true",
        "bind-address = \"127.0.0.1:" + rpc + "\"",
        "[meta]",
        "  dir = \"" + home.resolve("meta") + "\"",
        "  logging-enabled = false",
        "[data]",
        "  dir = \"" + home.resolve("data") + "\"",
        "  wal-dir = \"" + home.resolve("wal") + "\"",
        "  query-log-enabled = false",
        "  trace-logging-enabled = false",
        extraDataSettings,
        "[monitor]",
        "  store-enabled = false",
        "[http]",
        "  enabled = true",
        "  bind-address = \"127.0.0.1:" + http + "\"",
        "  log-enabled = false",
        "  write-tracing = false",
        "  max-body-size = 0",
        extraHttpSettings,
        "[subscriber]",
        "  enabled = true",
        "[continuous_queries]",
        "  enabled = false",
        "  log-enabled = false",
        "[logging]",
        "  level = \"warn\"",
        "  suppress-logo = true",
        "");
  }

  /** The HTTP API's base URL, e.g. {@code http://127.0.0.1:41234} ({@code https} for HTTPS). */
  public URI url() {
    return URI.create(scheme + "://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  /** Creates a database whose name starts with {@code prefix} and is unique in this JVM. */
  public String newDatabase(String prefix) {
    String name = prefix + "_" + DATABASES.incrementAndGet();
    post("/query", "q=" + encode("CREATE DATABASE \"" + name + "\""));
    return name;
  }

  /**
   * Writes line protocol (nanosecond timestamps) into {@code database}'s default retention policy.
   */
  public void write(String database, String lineProtocol) {
    HttpRequest request =
        HttpRequest.newBuilder(url().resolve("/write?precision=ns&db=" + encode(database)))
            .POST(HttpRequest.BodyPublishers.ofString(lineProtocol, StandardCharsets.UTF_8))
            .build();
    HttpResponse<String> response = send(request);
    if (response.statusCode() != 204) {
      throw new IllegalStateException(
          "write to " + database + " failed: " + response.statusCode() + " " + response.body());
    }
  }

  /**
   * Runs InfluxQL against {@code database} and returns InfluxDB's JSON response (epoch ns times).
   */
  public String query(String database, String influxql) {
    return post("/query", "epoch=ns&db=" + encode(database) + "&q=" + encode(influxql));
  }

  private String post(String path, String form) {
    HttpRequest request =
        HttpRequest.newBuilder(url().resolve(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    HttpResponse<String> response = send(request);
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          path + " failed: " + response.statusCode() + " " + response.body());
    }
    return response.body();
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("InfluxDB request failed: " + request.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The folder holding the server's TSM files, for size measurements. */
  public Path dataDir() {
    return home.resolve("data");
  }
}
