package io.tidewater.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A server process that cannot outlive the JVM that started it.
 *
 * <p>The command runs under a small shell watchdog that holds this JVM's end of a pipe on its
 * standard input: when the JVM ends for any reason (even {@code kill -9}), the pipe closes and the
 * watchdog terminates the server. {@link #close()} does the same on purpose and waits for it.
 */
public final class ManagedProcess implements AutoCloseable {

  // "$@" is the server command. Its stdin is detached; a background reader holds the pipe (fd 3,
  // because asynchronous lists get /dev/null as stdin) and kills the server at end of file.
  // The watchdog's own exit status is the server's, so a server that dies is seen as dead.
  private static final String WATCHDOG =
      "exec 3<&0\n"
          + "\"$@\" </dev/null &\n"
          + "server=$!\n"
          + "{ while read -r _; do :; done; kill -TERM \"$server\" 2>/dev/null; } <&3 &\n"
          + "exec 3<&-\n"
          + "wait \"$server\"\n";

  private final String name;
  private final Process process;
  private final Path log;

  private ManagedProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} with its output appended to {@code log}. */
  public static ManagedProcess start(String name, List<String> command, Path workDir, Path log) {
    List<String> full = new ArrayList<>(List.of("/bin/sh", "-c", WATCHDOG, "watchdog"));
    full.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(full)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      return new ManagedProcess(name, builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not start " + name + ": " + String.join(" ", command), e);
    }
  }

  /** Waits until {@code ready} holds, failing early with the server's log if the server exits. */
  public void awaitReady(BooleanSupplier ready, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name
                + " exited with status "
                + process.exitValue()
                + " before it was ready; its log:\n"
                + logTail());
      }
      if (ready.getAsBoolean()) {
        return;
      }
      sleep(Duration.ofMillis(50));
    }
    close();
    throw new IllegalStateException(
        name + " was not ready within " + timeout.toSeconds() + " s; its log:\n" + logTail());
  }

  /** Whether the server is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The process id of the watchdog (the server is its child). */
  public long pid() {
    return process.pid();
  }

  /** The last lines the server printed, for error messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log " + log + " unreadable: " + e.getMessage() + ")";
    }
  }

  /** Stops the server: gracefully through the watchdog, then forcibly if it lingers. */
  @Override
  public void close() {
    List<ProcessHandle> tree = new ArrayList<>();
    process.descendants().forEach(tree::add);
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // The pipe is already closed: the watchdog is stopping or gone.
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        tree.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    tree.forEach(ProcessHandle::destroyForcibly);
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
