package io.tidewater.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * A server process of the harness with its temporary folder and port. {@link #stop()} and {@link
 * #restart()} keep the data (for outage tests); {@link #close()} stops it and deletes the folder.
 */
abstract class RealServer implements AutoCloseable {

  final ServerHome home;
  final int port;
  private final Supplier<ManagedProcess> launcher;
  private volatile ManagedProcess process;

  /** Launches the server with {@code launcher}, which starts it and waits until it is ready. */
  RealServer(ServerHome home, int port, Supplier<ManagedProcess> launcher) {
    this.home = home;
    this.port = port;
    this.launcher = launcher;
    this.process = launcher.get();
  }

  /** Whether the server process is running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Process id of the server's watchdog; the server is its child. */
  public long pid() {
    return process.pid();
  }

  /** Stops the server, keeping its data, as an outage would. */
  public synchronized void stop() {
    process.close();
  }

  /** Kills the server at once (SIGKILL), keeping its data, as a crash would. */
  public synchronized void kill() {
    signal("KILL");
    process.close();
  }

  /** Starts the server again on the same port with the same data, and waits until it is ready. */
  public synchronized void restart() {
    if (!process.isAlive()) {
      process = launcher.get();
    }
  }

  /**
   * Freezes the server (SIGSTOP): connections stay open and are accepted, but nothing is answered.
   */
  public void freeze() {
    signal("STOP");
  }

  /** Lets a frozen server go on (SIGCONT). */
  public void thaw() {
    signal("CONT");
  }

  private void signal(String signal) {
    List<Long> server =
        ProcessHandle.of(pid())
            .map(h -> h.descendants().map(ProcessHandle::pid).toList())
            .orElse(List.of());
    for (long pid : server) {
      try {
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  @Override
  public void close() {
    process.close();
    home.delete();
  }
}
