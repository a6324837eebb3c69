package io.tidewater.testing;

/** A server process of the harness with its temporary folder and port; closing stops it and deletes the folder. */
abstract class RealServer implements AutoCloseable {

  final ServerHome home;
  private final ManagedProcess process;
  final int port;

  RealServer(ServerHome home, ManagedProcess process, int port) {
    this.home = home;
    this.process = process;
    this.port = port;
  }

  /** Whether the server process is running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Process id of the server's watchdog; the server is its child. */
  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.close();
    home.delete();
  }
}
