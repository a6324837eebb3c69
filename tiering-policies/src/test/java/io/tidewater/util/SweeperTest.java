package io.tidewater.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SweeperTest {

  private final Map<String, AtomicInteger> checks = new ConcurrentHashMap<>();
  private final Sweeper<String> sweeper =
      new Sweeper<>(
          "sweeper-test",
          Duration.ofMillis(10),
          item -> {
            checks.computeIfAbsent(item, k -> new AtomicInteger()).incrementAndGet();
            if (item.startsWith("bad")) {
              throw new IllegalStateException("a failing check");
            }
          });

  private int checked(String item) {
    AtomicInteger n = checks.get(item);
    return n == null ? 0 : n.get();
  }

  private void awaitChecks(String item, int atLeast) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (checked(item) < atLeast && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    assertTrue(checked(item) >= atLeast, item + " checked " + checked(item) + " times");
  }

  @Test
  void checksEachWatchedItemEveryPeriodUntilUnwatched() throws InterruptedException {
    sweeper.watch("a");
    sweeper.watch("b");
    awaitChecks("a", 3);
    awaitChecks("b", 3);
    sweeper.unwatch("a");
    Thread.sleep(30); // a sweep under way may still check it once
    int after = checked("a");
    Thread.sleep(100);
    assertEquals(after, checked("a"), "an unwatched item is no longer checked");
    awaitChecks("b", checked("b") + 3);
    assertEquals(1, sweeper.size());
  }

  @Test
  void aFailingCheckDoesNotStopTheOthersOrTheSweeps() throws InterruptedException {
    sweeper.watch("bad");
    sweeper.watch("good");
    awaitChecks("bad", 3);
    awaitChecks("good", 3);
  }

  @Test
  void sweepsStopWhenNothingIsWatchedAndStartAgainOnTheNextWatch() throws InterruptedException {
    sweeper.watch("first");
    awaitChecks("first", 2);
    sweeper.unwatch("first");
    Thread.sleep(50); // the last sweep sees nothing and schedules no other
    for (int round = 0; round < 3; round++) {
      String item = "again-" + round;
      sweeper.watch(item);
      awaitChecks(item, 2);
      sweeper.unwatch(item);
      Thread.sleep(round * 10L);
    }
    assertEquals(0, sweeper.size());
  }
}
