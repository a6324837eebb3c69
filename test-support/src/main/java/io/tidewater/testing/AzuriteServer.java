package io.tidewater.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * A real Azure Blob endpoint: Azurite's blob service with its workspace in a temporary folder. It
 * serves the Blob API only (no DataLake/DFS calls); see docs/architecture.md, tests.
 */
public final class AzuriteServer extends RealServer {

  /** Azurite's well-known development account. */
  public static final String ACCOUNT = "devstoreaccount1";

  public static final String ACCOUNT_KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  static final String INSTALL_HINT =
      "Install Azurite: `npm ci --prefix tools/azurite` in the checkout (or run .ci/run),"
          + " or point system property testservers.azurite at an azurite-blob executable.";

  private final String scheme;

  private AzuriteServer(
      ServerHome home, int port, String scheme, Supplier<ManagedProcess> launcher) {
    super(home, port, launcher);
    this.scheme = scheme;
  }

  /** Starts azurite-blob and waits until its HTTP port answers. */
  public static AzuriteServer start() {
    return start(null, null, null);
  }

  /**
   * Starts azurite-blob serving HTTPS only with {@code certificate} and {@code privateKey} (PEM),
   * for tests of clients trusting a private CA; its readiness is asked trusting {@code trusting}.
   */
  public static AzuriteServer startHttps(Path certificate, Path privateKey, SSLContext trusting) {
    return start(certificate, privateKey, trusting);
  }

  private static AzuriteServer start(Path certificate, Path privateKey, SSLContext trusting) {
    String scheme = certificate == null ? "http" : "https";
    HttpClient ready = Loopback.client(trusting);
    Path azurite =
        Executables.require(
            "testservers.azurite",
            "azurite-blob",
            INSTALL_HINT,
            Executables.projectRoot().resolve("tools/azurite/node_modules/.bin/azurite-blob"));
    ServerHome home = ServerHome.create("azurite");
    try {
      return Loopback.onFreePort(
          port -> {
            List<String> command =
                new ArrayList<>(
                    List.of(
                        azurite.toString(),
                        "--blobHost",
                        "127.0.0.1",
                        "--blobPort",
                        Integer.toString(port),
                        "--location",
                        home.dir().toString(),
                        "--skipApiVersionCheck",
                        "--loose",
                        "--silent",
                        "--disableTelemetry",
                        "--disableProductStyleUrl"));
            if (certificate != null) {
              command.addAll(
                  List.of("--cert", certificate.toString(), "--key", privateKey.toString()));
            }
            URI account =
                URI.create(scheme + "://127.0.0.1:" + port + "/" + ACCOUNT + "?comp=list");
            return new AzuriteServer(
                home,
                port,
                scheme,
                () -> {
                  ManagedProcess process =
                      ManagedProcess.start("azurite", command, home.dir(), home.log());
                  process.awaitReady(
                      () -> Loopback.status(ready, account) > 0, Duration.ofSeconds(60));
                  return process;
                });
          });
    } catch (RuntimeException e) {
      home.delete();
      throw e;
    }
  }

  /** The account's blob endpoint, e.g. {@code http://127.0.0.1:41234/devstoreaccount1}. */
  public URI blobEndpoint() {
    return URI.create(scheme + "://127.0.0.1:" + port + "/" + ACCOUNT);
  }

  /** A connection string for the Azure SDK's builders. */
  public String connectionString() {
    return "DefaultEndpointsProtocol="
        + scheme
        + ";AccountName="
        + ACCOUNT
        + ";AccountKey="
        + ACCOUNT_KEY
        + ";BlobEndpoint="
        + blobEndpoint()
        + ";";
  }
}
