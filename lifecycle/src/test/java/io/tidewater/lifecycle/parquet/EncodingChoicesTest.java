package io.tidewater.lifecycle.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class EncodingChoicesTest {

  @Test
  void aChoiceIsRecalledUntilItsColumnIsDueForAnotherSample() {
    EncodingChoices choices = new EncodingChoices();
    assertNull(choices.recall("cpu/user", 3000), "nothing known: sample");
    EncodingChoices.Choice chosen = new EncodingChoices.Choice(false, true, 3000);
    choices.remember("cpu/user", chosen);
    int recalled = 0;
    for (int i = 1; i < EncodingChoices.RESAMPLE_EVERY; i++) {
      if (choices.recall("cpu/user", 3000) == chosen) {
        recalled++;
      }
    }
    assertEquals(EncodingChoices.RESAMPLE_EVERY - 1, recalled);
    assertNull(choices.recall("cpu/user", 3000), "every RESAMPLE_EVERY-th file is sampled again");
    assertNull(choices.recall("cpu/system", 3000), "per column");
  }

  @Test
  void aFileWithMoreValuesThanTheSampleIsSampledItself() {
    EncodingChoices choices = new EncodingChoices();
    choices.remember("cpu/user", new EncodingChoices.Choice(true, false, 50));
    assertNull(choices.recall("cpu/user", 3000));
    assertEquals(true, choices.recall("cpu/user", 40).dictionary());
  }
}
