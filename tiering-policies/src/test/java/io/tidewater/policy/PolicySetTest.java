package io.tidewater.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.error.TidewaterException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicySetTest {

  private static String policy(String name, String measurements) {
    return PolicyParserTest.VALID
        .replace("name: telegraf-cpu", "name: " + name)
        .replace("measurements: [cpu, /disk.*/]", "measurements: " + measurements);
  }

  @Test
  void twoPoliciesClaimingTheSameMeasurementAreRejected() {
    PolicyException e =
        assertThrows(
            PolicyException.class,
            () ->
                PolicySet.parse(
                    List.of(
                        Map.entry("a.yaml", policy("a", "[cpu, mem]")),
                        Map.entry("b.yaml", policy("b", "[net, cpu]")))));
    assertEquals(
        "b.yaml:5:17: source.measurements: measurement cpu of database telegraf is already claimed by policy"
            + " 'a' (cpu in a.yaml); a measurement belongs to one policy",
        e.getMessage());
  }

  @Test
  void aNameMatchedByAnotherPolicysRegexIsRejected() {
    PolicyException e =
        assertThrows(
            PolicyException.class,
            () ->
                PolicySet.parse(
                    List.of(
                        Map.entry("a.yaml", policy("a", "[/disk.*/]")),
                        Map.entry("b.yaml", policy("b", "[diskio]")))));
    assertEquals(
        "b.yaml:5:17: source.measurements: measurement diskio of database telegraf is already claimed by policy"
            + " 'a' (/disk.*/ in a.yaml); a measurement belongs to one policy",
        e.getMessage());
  }

  @Test
  void theSameMeasurementInAnotherDatabaseOrRetentionPolicyIsFine() {
    PolicySet set =
        PolicySet.parse(
            List.of(
                Map.entry("a.yaml", policy("a", "[cpu]")),
                Map.entry(
                    "b.yaml",
                    policy("b", "[cpu]").replace("database: telegraf", "database: other")),
                Map.entry(
                    "c.yaml",
                    policy("c", "[cpu]")
                        .replace("retention-policy: autogen", "retention-policy: weekly"))));
    assertEquals(3, set.policies().size());
    assertEquals("b", set.policyFor("other", Optional.of("autogen"), "cpu").orElseThrow().name());
    assertEquals(Optional.empty(), set.policyFor("telegraf", Optional.of("autogen"), "mem"));
  }

  @Test
  void duplicateNamesAreRejected() {
    PolicyException e =
        assertThrows(
            PolicyException.class,
            () ->
                PolicySet.parse(
                    List.of(
                        Map.entry("a.yaml", policy("same", "[cpu]")),
                        Map.entry("b.yaml", policy("same", "[mem]")))));
    assertEquals("b.yaml:1:7: name: policy 'same' is already defined in a.yaml", e.getMessage());
  }

  @Test
  void overlappingRegexesAreReportedWhenAMeasurementMatchesBoth() {
    PolicySet set =
        PolicySet.parse(
            List.of(
                Map.entry("a.yaml", policy("a", "[/disk.*/]")),
                Map.entry("b.yaml", policy("b", "[/.*io/]"))));
    assertEquals(
        "a", set.policyFor("telegraf", Optional.of("autogen"), "disk").orElseThrow().name());
    TidewaterException e =
        assertThrows(
            TidewaterException.class,
            () -> set.policyFor("telegraf", Optional.of("autogen"), "diskio"));
    assertEquals(
        "measurement 'diskio' of database telegraf is claimed by policies ['a' (a.yaml), 'b' (b.yaml)];"
            + " make their measurement patterns exclusive",
        e.getMessage());
  }

  @Test
  void aFolderWithOneBadFileLoadsNothingAndNamesTheProblem(@TempDir Path folder)
      throws IOException {
    Files.writeString(folder.resolve("good.yaml"), policy("good", "[cpu]"));
    Files.writeString(
        folder.resolve("bad.yml"), policy("bad", "[mem]").replace("window: 1h", "window: 7h"));
    Files.writeString(folder.resolve("notes.txt"), "not a policy: ignored");
    PolicyException e = assertThrows(PolicyException.class, () -> PolicySet.load(folder));
    assertTrue(
        e.getMessage().startsWith("bad.yml:6:9: window: 7h does not divide a day"), e.getMessage());
    assertEquals(1, e.problems().size());
  }

  @Test
  void aFolderLoadsInNameOrder(@TempDir Path folder) throws IOException {
    Files.writeString(folder.resolve("b.yaml"), policy("bee", "[mem]"));
    Files.writeString(folder.resolve("a.yaml"), policy("ay", "[cpu]"));
    PolicySet set = PolicySet.load(folder);
    assertEquals(List.of("ay", "bee"), set.policies().stream().map(TieringPolicy::name).toList());
    assertEquals("a.yaml", set.byName("ay").orElseThrow().origin());
  }

  @Test
  void aMissingFolderIsAClearError(@TempDir Path folder) {
    PolicyException e =
        assertThrows(PolicyException.class, () -> PolicySet.load(folder.resolve("nope")));
    assertTrue(
        e.getMessage().endsWith("nope:1:1: the policy folder does not exist or is not a folder"),
        e.getMessage());
  }
}
