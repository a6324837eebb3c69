package io.tidewater.federation.plan;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Result-cache keys of plans run with parameter values. */
class PlanKeysTest {

  /** Values a list prints alike (strings with commas, a string "null" and null) keep apart. */
  @Test
  void valuesThatPrintAlikeMakeDifferentKeys() {
    PlanKeys.Template template = new PlanKeys.Template("Filter(host = ?0, region = ?1)", List.of());
    assertNotEquals(
        template.key(Binding.NONE, List.of("a, b", "c")),
        template.key(Binding.NONE, List.of("a", "b, c")));
    assertNotEquals(
        template.key(Binding.NONE, Arrays.asList("null", "x")),
        template.key(Binding.NONE, Arrays.asList(null, "x")));
    assertNotEquals(
        template.key(Binding.NONE, List.of(5L, "x")),
        template.key(Binding.NONE, List.of("5", "x")));
  }
}
