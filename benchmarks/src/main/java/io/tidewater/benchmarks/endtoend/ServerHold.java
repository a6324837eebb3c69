package io.tidewater.benchmarks.endtoend;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * With {@code -Dtidewater.bench.hold=<file>}: a benchmark keeps its servers up while that file
 * exists, for profiling or asking them by hand.
 */
final class ServerHold {

  private ServerHold() {}

  /** Waits while the hold file exists (at once without the property), saying so to {@code log}. */
  static void await(URI gateway, URI influx, String db, Consumer<String> log)
      throws InterruptedException {
    String file = System.getProperty("tidewater.bench.hold");
    if (file == null) {
      return;
    }
    log.accept(
        String.format(
            "holding while %s exists: gateway %s, influxd %s, database %s",
            file, gateway, influx, db));
    while (Files.exists(Path.of(file))) {
      Thread.sleep(1000);
    }
  }
}
