package io.tidewater.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * A real S3 endpoint: s3proxy with its filesystem back end in a temporary folder and static
 * credentials. Clients must use path-style addressing against {@link #endpoint()}.
 */
public final class S3Server extends RealServer {

  public static final String ACCESS_KEY = "tidewater";
  public static final String SECRET_KEY = "tidewater-secret";
  public static final String REGION = "us-east-1";

  static final String INSTALL_HINT =
      "s3proxy's jar comes from Maven Central: build once with ./mvnw (test-support downloads "
          + "org.gaul:s3proxy:jar-with-dependencies), or point system property testservers.s3proxy.jar at it.";

  private final String scheme;

  private S3Server(ServerHome home, int port, String scheme, Supplier<ManagedProcess> launcher) {
    super(home, port, launcher);
    this.scheme = scheme;
  }

  /** Starts s3proxy and waits until its HTTP port answers. */
  public static S3Server start() {
    return start(null, null, null);
  }

  /**
   * Starts s3proxy serving HTTPS only with the key and certificate of {@code keystore} (PKCS#12),
   * for tests of clients trusting a private CA; its readiness is asked trusting {@code trusting}.
   */
  public static S3Server startHttps(Path keystore, String password, SSLContext trusting) {
    return start(keystore, password, trusting);
  }

  private static S3Server start(Path keystore, String password, SSLContext trusting) {
    String scheme = keystore == null ? "http" : "https";
    HttpClient ready = Loopback.client(trusting);
    Path jar =
        Executables.require(
            "testservers.s3proxy.jar",
            "s3proxy.jar",
            INSTALL_HINT,
            Executables.projectRoot().resolve("test-support/target/servers/s3proxy.jar"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ServerHome home = ServerHome.create("s3proxy");
    try {
      return Loopback.onFreePort(
          port -> {
            Path properties =
                home.write("s3proxy.properties", properties(home, port, keystore, password));
            URI root = URI.create(scheme + "://127.0.0.1:" + port + "/");
            return new S3Server(
                home,
                port,
                scheme,
                () -> {
                  ManagedProcess process =
                      ManagedProcess.start(
                          "s3proxy",
                          List.of(
                              java.toString(),
                              "-Xmx512m",
                              "-XX:+UseSerialGC",
                              "-XX:TieredStopAtLevel=1",
                              "-jar",
                              jar.toString(),
                              "--properties",
                              properties.toString()),
                          home.dir(),
                          home.log());
                  process.awaitReady(
                      () -> Loopback.status(ready, root) > 0, Duration.ofSeconds(60));
                  return process;
                });
          });
    } catch (RuntimeException e) {
      home.delete();
      throw e;
    }
  }

  private static String properties(ServerHome home, int port, Path keystore, String password) {
    home.resolve("blobs").toFile().mkdirs();
    String endpoint =
        keystore == null
            ? "s3proxy.endpoint=http://127.0.0.1:" + port
            : String.join(
                "\n",
                "s3proxy.secure-endpoint=https://127.0.0.1:" + port,
                "s3proxy.keystore-path=" + keystore,
                "s3proxy.keystore-password=" + password);
    return String.join(
        "\n",
        endpoint,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=filesystem-nio2",
        "jclouds.filesystem.basedir=" + home.resolve("blobs"),
        "jclouds.identity=" + ACCESS_KEY,
        "jclouds.credential=" + SECRET_KEY,
        "");
  }

  /** The endpoint to give an S3 client (with path-style access). */
  public URI endpoint() {
    return URI.create(scheme + "://127.0.0.1:" + port);
  }
}
