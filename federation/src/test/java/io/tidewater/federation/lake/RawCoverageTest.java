package io.tidewater.federation.lake;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Whether kept raw windows (of any sizes, nested or not) cover a dropped one's time. */
class RawCoverageTest {

  private static final long H = 3_600_000_000_000L;

  private static boolean covered(Map<Long, Long> windows, long from, long to) {
    return LakeTable.covered(LakeTable.reach(new TreeMap<>(windows)), from, to);
  }

  @Test
  void windowsOfOtherSizesCoverOrNot() {
    // A 6-hour window and an hour inside it: the hour after that inner one is still covered.
    assertTrue(covered(Map.of(0L, 6 * H, H, 2 * H), 2 * H, 3 * H));
    // Hourly windows end to end across the range.
    assertTrue(covered(Map.of(0L, H, H, 2 * H, 2 * H, 3 * H), 0, 3 * H));
    // A gap of an hour inside the range.
    assertFalse(covered(Map.of(0L, H, 2 * H, 3 * H), 0, 3 * H));
    // Windows ending before the range's end, or starting after its start.
    assertFalse(covered(Map.of(0L, 2 * H), 0, 3 * H));
    assertFalse(covered(Map.of(H, 3 * H), 0, 3 * H));
    assertFalse(covered(Map.of(), 0, H));
  }
}
