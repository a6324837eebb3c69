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
    Path mine;
    Path other;
    try (StagingFolder a = StagingFolder.claim(base, "host-a:8080");
        StagingFolder b = StagingFolder.claim(base, "host-a:8081")) {
      mine = a.folder();
      other = b.folder();
      assertTrue(a.locked() && b.locked());
    }
    assertNotEquals(mine, other);
    Path leftover = Files.writeString(mine.resolve("tw-123.parquet"), "half a file");
    Path notStaged = Files.writeString(mine.resolve("notes.txt"), "kept");
    Path othersFile = Files.writeString(other.resolve("tw-456.parquet"), "being written");

    try (StagingFolder again = StagingFolder.claim(base, "host-a:8080")) {
      assertEquals(mine, again.folder());
      assertEquals(1, again.removed());
    }
    assertFalse(Files.exists(leftover));
    assertTrue(Files.exists(notStaged), "only staged Parquet files are removed");
    assertTrue(Files.exists(othersFile), "another gateway's staged file is left alone");
  }

  @Test
  void aLiveGatewayWithTheSameIdKeepsItsFiles() throws Exception {
    try (StagingFolder live = StagingFolder.claim(base, "dup:8080")) {
      Path writing = Files.writeString(live.folder().resolve("tw-1.parquet"), "being written");
      try (StagingFolder second = StagingFolder.claim(base, "dup:8080")) {
        assertFalse(second.locked());
        assertEquals(0, second.removed());
      }
      assertTrue(Files.exists(writing), "the live process's file is left alone");
    }
  }

  @Test
  void aFolderThatCannotBeMadeDoesNotStopTheGateway() throws Exception {
    Path file = Files.writeString(base.resolve("a-file"), "not a folder");
    try (StagingFolder s = StagingFolder.claim(file, "x:1")) {
      assertFalse(s.locked());
      assertEquals(0, s.removed());
    }
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
