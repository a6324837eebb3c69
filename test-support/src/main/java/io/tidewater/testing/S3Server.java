package io.tidewater.testing;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

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

  private S3Server(ServerHome home, int port, Supplier<ManagedProcess> launcher) {
    super(home, port, launcher);
  }

  /** Starts s3proxy and waits until its HTTP port answers. */
  public static S3Server start() {
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
            Path properties = home.write("s3proxy.properties", properties(home, port));
            URI root = URI.create("http://127.0.0.1:" + port + "/");
            return new S3Server(
                home,
                port,
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
                  process.awaitReady(() -> Loopback.status(root) > 0, Duration.ofSeconds(60));
                  return process;
                });
          });
    } catch (RuntimeException e) {
      home.delete();
      throw e;
    }
  }

  private static String properties(ServerHome home, int port) {
    home.resolve("blobs").toFile().mkdirs();
    return String.join(
        "\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
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
    return URI.create("http://127.0.0.1:" + port);
  }
}
