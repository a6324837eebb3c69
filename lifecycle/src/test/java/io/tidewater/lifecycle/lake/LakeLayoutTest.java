package io.tidewater.lifecycle.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.policy.Window;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LakeLayoutTest {

  @Test
  void ledgerEntryKeysPadTheVersionToSixDigitsAndReadBack() {
    Window w =
        new Window(Instant.parse("2025-01-15T03:00:00Z"), Instant.parse("2025-01-15T04:00:00Z"));
    for (long version : new long[] {1, 42, 999_999, 1_000_000, 12_345_678}) {
      String key = LakeLayout.ledgerEntryKey("_ledger/db/cpu/res=raw/", w, version);
      assertEquals(version, LakeLayout.versionOf(key), key);
      assertTrue(key.endsWith(String.format("v%06d.json", version)), key);
    }
  }
}
