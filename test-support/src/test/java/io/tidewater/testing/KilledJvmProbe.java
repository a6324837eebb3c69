package io.tidewater.testing;

import java.util.stream.Collectors;

/**
 * Run in a child JVM by {@link ServerLifecycleTest}: starts servers, prints their pids, waits to be
 * killed.
 */
public final class KilledJvmProbe {
  public static void main(String[] args) throws InterruptedException {
    TestServers.influx();
    TestServers.azurite();
    System.out.println(
        "pids "
            + ProcessHandle.current()
                .descendants()
                .map(p -> Long.toString(p.pid()))
                .collect(Collectors.joining(" ")));
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
