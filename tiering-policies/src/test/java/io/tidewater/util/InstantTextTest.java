package io.tidewater.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InstantTextTest {

  @Test
  void writesWhatInstantToStringWrites() {
    long[] seconds = {
      0,
      -1,
      1,
      59,
      60,
      86_399,
      86_400,
      -86_400,
      951_782_400L /* 2000-02-29 */,
      4_107_542_400L,
      -62_167_219_200L,
      -62_167_219_201L,
      253_402_300_799L,
      253_402_300_800L,
      -9_223_372_036L,
      Instant.MAX.getEpochSecond(),
      Instant.MIN.getEpochSecond()
    };
    int[] nanos = {0, 1, 999_999_999, 1_000_000, 120_000_000, 123_456_000, 5_000, 123_456_789};
    for (long s : seconds) {
      for (int n : nanos) {
        Instant t = Instant.ofEpochSecond(s, n);
        assertEquals(t.toString(), InstantText.iso(t));
      }
    }
    Random random = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      Instant t =
          Instant.ofEpochSecond(
              random.nextLong(-70_000_000_000L, 260_000_000_000L),
              random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000));
      assertEquals(t.toString(), InstantText.iso(t));
      Instant ms = Instant.ofEpochMilli(random.nextLong(-5_000_000_000_000L, 5_000_000_000_000L));
      assertEquals(ms.toString(), InstantText.iso(ms));
    }
  }
}
