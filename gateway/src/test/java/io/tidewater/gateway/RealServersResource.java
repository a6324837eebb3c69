package io.tidewater.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tidewater.testing.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Points the gateway under test at the harness's real influxd, a fresh local lake folder and the
 * example policies.
 */
public class RealServersResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    try {
      return Map.of(
          "tidewater.policies.folder",
              Path.of(System.getProperty("testservers.root", ".."), "policies").toString(),
          "tidewater.influx.url", TestServers.influx().url().toString(),
          "tidewater.export.scheduled", "false",
          "tidewater.lake.uri", Files.createTempDirectory("tidewater-lake-").toUri().toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stop() {
    // The harness stops influxd when the test JVM exits; other test classes may still use it.
  }
}
