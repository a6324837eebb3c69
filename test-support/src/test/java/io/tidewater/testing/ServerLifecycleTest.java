package io.tidewater.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServerLifecycleTest {

  @Test
  void closeStopsTheServerAndItsWatchdog() {
    InfluxServer influx = InfluxServer.start();
    List<ProcessHandle> tree = tree(influx.pid());
    assertTrue(tree.size() >= 2, "watchdog and influxd: " + tree);
    influx.close();
    awaitAllDead(tree);
  }

  @Test
  void aStoppedServerRestartsWithItsData() {
    try (InfluxServer influx = InfluxServer.start()) {
      String db = influx.newDatabase("restart");
      influx.write(db, "m v=1 1000000000\n");
      influx.stop();
      assertFalse(influx.isAlive());
      assertThrows(RuntimeException.class, () -> influx.query(db, "SELECT count(v) FROM m"));
      influx.restart();
      assertTrue(
          influx.query(db, "SELECT count(v) FROM m").contains("[0,1]"),
          "the point survived the outage");
    }
  }

  @Test
  void serversDieWithAJvmKilledByKill9() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process probe =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dtestservers.root=" + Executables.projectRoot(),
                KilledJvmProbe.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<ProcessHandle> servers = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      assertTrue(line != null && line.startsWith("pids "), "probe said: " + line);
      for (String pid : line.substring(5).trim().split(" ")) {
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(servers::add);
      }
      assertTrue(servers.size() >= 4, "both servers and their watchdogs run: " + servers);
      probe.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertTrue(probe.waitFor(10, TimeUnit.SECONDS));
    }
    awaitAllDead(servers);
  }

  @Test
  void aMissingProgramFailsWithHowToInstallIt() {
    System.setProperty("testservers.test.missing", "/nonexistent/influxd");
    try {
      MissingServerException e =
          assertThrows(
              MissingServerException.class,
              () ->
                  Executables.require(
                      "testservers.test.missing", "influxd", InfluxServer.INSTALL_HINT));
      assertTrue(e.getMessage().contains("/nonexistent/influxd"), e.getMessage());
      assertTrue(e.getMessage().contains("apt-get install influxdb"), e.getMessage());
    } finally {
      System.clearProperty("testservers.test.missing");
    }
    MissingServerException e =
        assertThrows(
            MissingServerException.class,
            () -> Executables.require(null, "no-such-server-binary", AzuriteServer.INSTALL_HINT));
    assertEquals(
        "no-such-server-binary not found on the PATH. " + AzuriteServer.INSTALL_HINT,
        e.getMessage());
  }

  private static List<ProcessHandle> tree(long pid) {
    List<ProcessHandle> tree = new ArrayList<>();
    ProcessHandle.of(pid)
        .ifPresent(
            root -> {
              tree.add(root);
              root.descendants().forEach(tree::add);
            });
    return tree;
  }

  private static void awaitAllDead(List<ProcessHandle> processes) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline && processes.stream().anyMatch(ProcessHandle::isAlive)) {
      ManagedProcess.sleep(Duration.ofMillis(100));
    }
    assertFalse(
        processes.stream().anyMatch(ProcessHandle::isAlive),
        "still running: "
            + processes.stream()
                .filter(ProcessHandle::isAlive)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                .toList());
  }
}
