package io.tidewater.lifecycle.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingFolderTest {

  @TempDir Path base;

  @Test
  void aRestartedGatewayDeletesTheStagedFilesItsKilledProcessLeftAndNoOneElses() throws Exception {
    Path mine = StagingFolder.claim(base, "host-a:8080").folder();
    Path other = StagingFolder.claim(base, "host-a:8081").folder();
    assertNotEquals(mine, other);
    Path leftover = Files.writeString(mine.resolve("tw-123.parquet"), "half a file");
    Path notStaged = Files.writeString(mine.resolve("notes.txt"), "kept");
    Path othersFile = Files.writeString(other.resolve("tw-456.parquet"), "being written");

    StagingFolder.Claimed again = StagingFolder.claim(base, "host-a:8080");

    assertEquals(mine, again.folder());
    assertEquals(1, again.removed());
    assertFalse(Files.exists(leftover));
    assertTrue(Files.exists(notStaged), "only staged Parquet files are removed");
    assertTrue(Files.exists(othersFile), "another gateway's staged file is left alone");
  }

  @Test
  void idsDifferingOnlyInCharactersAFileNameCannotHoldGetFoldersOfTheirOwn() {
    assertNotEquals(StagingFolder.folderName("a:1"), StagingFolder.folderName("a/1"));
    assertNotEquals(StagingFolder.folderName("a:1"), StagingFolder.folderName("a_1"));
    assertTrue(StagingFolder.folderName("../../etc").matches("[A-Za-z0-9._-]+"));
    assertFalse(StagingFolder.folderName("../..").contains("/"));
    assertTrue(StagingFolder.folderName("x".repeat(500)).length() < 80);
  }
}
