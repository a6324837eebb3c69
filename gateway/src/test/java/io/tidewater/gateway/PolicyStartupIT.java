package io.tidewater.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packaged gateway with a malformed policy, and without a token file: start-up must fail
 * with the parser's message, and with what to do about the missing token file (secure by default).
 */
class PolicyStartupIT {

  @Test
  void aMalformedPolicyStopsStartUpWithItsMessage(@TempDir Path dir) throws Exception {
    Path policies = Files.createDirectories(dir.resolve("policies"));
    Path root = Path.of(System.getProperty("testservers.root"));
    Files.copy(root.resolve("policies/telegraf-cpu.yaml"), policies.resolve("good.yaml"));
    Files.writeString(
        policies.resolve("bad.yaml"),
        Files.readString(root.resolve("policies/factory-sensors.yaml"))
            .replace("window: 1d", "window: 7h"));

    Path log = dir.resolve("gateway.log");
    Process gateway =
        start(
            log,
            "-Dtidewater.auth.enabled=false",
            "-Dtidewater.policies.folder=" + policies,
            "-Dtidewater.lake.uri=" + dir.resolve("lake").toUri());
    String output = exitedInError(gateway, log, "the gateway kept running with a bad policy:");
    assertTrue(output.contains("Invalid tiering policies in " + policies.toAbsolutePath()), output);
    assertTrue(output.contains("bad.yaml:10:9: window: 7h does not divide a day"), output);
    assertEquals(-1, output.indexOf("Loaded 1 tiering"), "nothing half-loaded:\n" + output);
  }

  @Test
  void withoutATokenFileTheGatewayDoesNotStart(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("gateway.log");
    Process gateway = start(log, "-Dtidewater.lake.uri=" + dir.resolve("lake").toUri());
    String output = exitedInError(gateway, log, "the gateway started without a token file:");
    assertTrue(output.contains("tidewater.auth.tokens-file is not set"), output);
  }

  /**
   * The output of {@code gateway}, after asserting that it exited with an error within a minute.
   */
  private static String exitedInError(Process gateway, Path log, String otherwise)
      throws Exception {
    boolean exited = gateway.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      gateway.destroyForcibly();
    }
    String output = read(log);
    assertTrue(exited, otherwise + "\n" + output);
    assertNotEquals(0, gateway.exitValue(), output);
    return output;
  }

  /** The packaged gateway with {@code settings}, its output in {@code log}. */
  private static Process start(Path log, String... settings) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(settings));
    command.addAll(List.of("-Dquarkus.http.port=0", "-jar", System.getProperty("quarkus.app.jar")));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static String read(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }
}
