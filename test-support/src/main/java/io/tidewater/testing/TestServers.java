package io.tidewater.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * The real servers of a test JVM: each is started on first use, shared by every test in the JVM,
 * and stopped when the JVM exits. (If the JVM is killed, each server's watchdog stops it.)
 */
public final class TestServers {

  private static final List<AutoCloseable> STARTED =
      Collections.synchronizedList(new ArrayList<>());

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(TestServers::stopAll, "tidewater-test-servers-stop"));
  }

  private TestServers() {}

  private static final Shared<InfluxServer> INFLUX = new Shared<>(InfluxServer::start);
  private static final Shared<S3Server> S3 = new Shared<>(S3Server::start);
  private static final Shared<AzuriteServer> AZURITE = new Shared<>(AzuriteServer::start);

  /** The JVM's InfluxDB 1.x server. */
  public static InfluxServer influx() {
    return INFLUX.get();
  }

  /** The JVM's S3 server (s3proxy). */
  public static S3Server s3() {
    return S3.get();
  }

  /** The JVM's Azure Blob server (Azurite). */
  public static AzuriteServer azurite() {
    return AZURITE.get();
  }

  /** Starts a server once; a failure to start is remembered and reported to every later caller. */
  private static final class Shared<T extends AutoCloseable> {
    private final Supplier<T> start;
    private T server;
    private RuntimeException failure;

    Shared(Supplier<T> start) {
      this.start = start;
    }

    synchronized T get() {
      if (server == null && failure == null) {
        try {
          server = start.get();
          STARTED.add(server);
        } catch (RuntimeException e) {
          failure = e;
        }
      }
      if (failure != null) {
        throw failure;
      }
      return server;
    }
  }

  private static void stopAll() {
    synchronized (STARTED) {
      for (AutoCloseable server : STARTED) {
        try {
          server.close();
        } catch (Exception e) {
          System.err.println("stopping " + server + " failed: " + e);
        }
      }
      STARTED.clear();
    }
  }
}
