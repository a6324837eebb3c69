package io.tidewater.lifecycle.lake;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.LakeStoreException;
import io.tidewater.lifecycle.store.ObjectInfo;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.StorageClass;
import io.tidewater.policy.Window;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lake's commit log: which versions of which windows exist, and their files. The gateway
 * resolves files from here, never from listings of data folders. A commit is one put-if-absent of
 * the next version's entry, so of concurrent committers exactly one wins.
 */
public final class Ledger {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final LakeStore store;

  /** Entries never change once written: parsed ones are kept by key. */
  private final Map<String, WindowVersion> entries = new ConcurrentHashMap<>();

  public Ledger(LakeStore store) {
    this.store = store;
  }

  public LakeStore store() {
    return store;
  }

  /** The newest version of a window, deleted or not. */
  public Optional<WindowVersion> latest(
      String database, String measurement, Resolution resolution, Window window) {
    String prefix =
        LakeLayout.ledgerWindowPrefix(
            LakeLayout.ledgerPrefix(database, measurement, resolution), window);
    return store.list(prefix).stream()
        .filter(o -> LakeLayout.versionOf(o.key()) > 0)
        .max(Comparator.comparingLong(o -> LakeLayout.versionOf(o.key())))
        .map(o -> entry(o.key()));
  }

  /**
   * The newest version of every window of a measurement at a resolution, in time order, deleted
   * ones left out.
   */
  public List<WindowVersion> windows(String database, String measurement, Resolution resolution) {
    return newest(database, measurement, resolution, false);
  }

  /**
   * The windows of a measurement at a resolution whose newest version is deleted (dropped by a tier
   * move, or expired), in time order.
   */
  public List<WindowVersion> deletedWindows(
      String database, String measurement, Resolution resolution) {
    return newest(database, measurement, resolution, true);
  }

  private List<WindowVersion> newest(
      String database, String measurement, Resolution resolution, boolean deleted) {
    List<WindowVersion> out = newestVersions(database, measurement, resolution);
    out.removeIf(v -> v.deleted() != deleted);
    return out;
  }

  /**
   * The newest version of every window of a measurement at a resolution, deleted or not, in time
   * order: in one listing what {@link #latest} finds window by window.
   */
  public List<WindowVersion> newestVersions(
      String database, String measurement, Resolution resolution) {
    List<WindowVersion> out = new ArrayList<>();
    for (String key : newestEntryKeys(LakeLayout.ledgerPrefix(database, measurement, resolution))) {
      out.add(entry(key));
    }
    out.sort(Comparator.comparingLong(WindowVersion::windowStart));
    return out;
  }

  /**
   * Writes {@code next} as the window's next version. Fails with {@link LedgerConflictException} if
   * that version already exists: another committer got there first.
   */
  public WindowVersion commit(WindowVersion next) {
    Window window = next.window();
    String key =
        LakeLayout.ledgerEntryKey(
            LakeLayout.ledgerPrefix(
                next.database(), next.measurement(), Resolution.parse(next.resolution())),
            window,
            next.version());
    try {
      store.putIfAbsent(key, JSON.writeValueAsBytes(next));
    } catch (LakeStoreException.Conflict e) {
      throw new LedgerConflictException(
          "version "
              + next.version()
              + " of window "
              + window
              + " of "
              + next.database()
              + "."
              + next.measurement()
              + " res="
              + next.resolution()
              + " was committed concurrently by another writer; reload the window and retry",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    entries.put(key, next);
    return next;
  }

  /**
   * Records that a write of the window begins: its data files are about to be replaced in place, so
   * until a commit removes the marker the window's files may not match its newest entry (a crash in
   * between leaves the marker, and {@link #unfinishedWrites} reports the window).
   */
  public String beginWrite(
      String database, String measurement, Resolution resolution, Window window) {
    String writer = UUID.randomUUID().toString();
    String key =
        LakeLayout.intentKey(
            LakeLayout.ledgerPrefix(database, measurement, resolution), window, writer);
    store.put(
        key,
        ("{\"writer\":\"" + writer + "\"}").getBytes(StandardCharsets.UTF_8),
        StorageClass.STANDARD);
    return key;
  }

  /**
   * After a commit made the window's files and entry agree: removes this write's marker and those
   * of writes that began before it (crashed or lost), keeping any a later concurrent write left.
   */
  public void endWrite(String intentKey) {
    String prefix = intentKey.substring(0, intentKey.lastIndexOf('/') + 1);
    List<ObjectInfo> markers =
        store.list(prefix).stream().filter(o -> LakeLayout.isIntent(o.key())).toList();
    Instant mine =
        markers.stream()
            .filter(o -> o.key().equals(intentKey))
            .map(ObjectInfo::lastModified)
            .findFirst()
            .orElse(Instant.MAX);
    for (ObjectInfo o : markers) {
      if (!o.lastModified().isAfter(mine)) {
        store.delete(o.key());
      }
    }
  }

  /**
   * Starts of the windows with a write under way or interrupted: their files may not match their
   * entries.
   */
  public Set<Instant> unfinishedWrites(String database, String measurement, Resolution resolution) {
    String prefix = LakeLayout.ledgerPrefix(database, measurement, resolution);
    Set<Instant> out = new HashSet<>();
    for (ObjectInfo o : store.list(prefix)) {
      if (LakeLayout.isIntent(o.key())) {
        String folder = o.key().substring(prefix.length(), o.key().lastIndexOf('/'));
        out.add(LakeLayout.windowStartOf(folder));
      }
    }
    return out;
  }

  /**
   * Takes a window out of the lake (expiry, or a resolution its tier no longer keeps): commits a
   * deleted version, then deletes the files. A crash in between leaves files GC removes.
   */
  public WindowVersion delete(WindowVersion current, Instant now) {
    WindowVersion deleted = commit(current.next(List.of(), true, now));
    for (DataFile f : current.files()) {
      store.delete(f.key());
    }
    return deleted;
  }

  /**
   * Commits the same window with changed file metadata (new ETags after a storage class change).
   */
  public WindowVersion restate(WindowVersion current, List<DataFile> files, Instant now) {
    return commit(current.next(files, false, now));
  }

  /**
   * Deletes the files {@code previous} had that {@code next} has not (same names are replaced in
   * place).
   */
  public void deleteReplaced(WindowVersion previous, WindowVersion next) {
    Set<String> kept = new HashSet<>();
    next.files().forEach(f -> kept.add(f.key()));
    for (DataFile f : previous.files()) {
      if (!kept.contains(f.key())) {
        store.delete(f.key());
      }
    }
  }

  /**
   * Deletes data files of a measurement that no window's newest version references (left by a crash
   * between writing data and committing, or before deleting replaced files), if older than {@code
   * grace} so that an export in progress keeps its files. Returns the deleted keys.
   */
  public List<String> collectGarbage(
      String database, String measurement, Duration grace, Instant now) {
    Set<String> referenced = new HashSet<>();
    for (String key :
        newestEntryKeys(
            LakeLayout.LEDGER_ROOT + LakeLayout.measurementPrefix(database, measurement))) {
      entry(key).files().forEach(f -> referenced.add(f.key()));
    }
    List<String> deleted = new ArrayList<>();
    Instant cutoff = now.minus(grace);
    for (ObjectInfo o : store.list(LakeLayout.measurementPrefix(database, measurement))) {
      if (!referenced.contains(o.key()) && o.lastModified().isBefore(cutoff)) {
        store.delete(o.key());
        deleted.add(o.key());
      }
    }
    return deleted;
  }

  /**
   * Records that every window of a measurement before {@code through} is in the lake (or had no
   * data), so queries may read that range from the lake alone. Only moves forward.
   */
  public void recordExportedThrough(String database, String measurement, Instant through) {
    if (exportedThrough(database, measurement).filter(t -> !t.isBefore(through)).isPresent()) {
      return;
    }
    try {
      store.put(
          LakeLayout.exportedThroughKey(database, measurement),
          JSON.writeValueAsBytes(Map.of("through", through.toString())),
          StorageClass.STANDARD);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Up to when the lake holds everything of a measurement (see {@link #recordExportedThrough}). */
  public Optional<Instant> exportedThrough(String database, String measurement) {
    String key = LakeLayout.exportedThroughKey(database, measurement);
    if (store.stat(key).isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          Instant.parse((String) JSON.readValue(store.read(key), Map.class).get("through")));
    } catch (IOException | LakeStoreException.Missing e) {
      return Optional.empty();
    }
  }

  /** The key of the newest entry of each window folder under {@code prefix}. */
  private List<String> newestEntryKeys(String prefix) {
    Map<String, String> newest = new TreeMap<>();
    for (ObjectInfo o : store.list(prefix)) {
      if (LakeLayout.versionOf(o.key()) > 0) {
        newest.merge(
            o.key().substring(0, o.key().lastIndexOf('/')),
            o.key(),
            (a, b) -> LakeLayout.versionOf(a) >= LakeLayout.versionOf(b) ? a : b);
      }
    }
    return new ArrayList<>(newest.values());
  }

  private WindowVersion entry(String key) {
    return entries.computeIfAbsent(
        key,
        k -> {
          try {
            return JSON.readValue(store.read(k), WindowVersion.class);
          } catch (IOException e) {
            throw new UncheckedIOException(
                "ledger entry " + store.location().uriOf(k) + " is not readable: " + e.getMessage(),
                e);
          }
        });
  }
}
