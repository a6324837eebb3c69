package io.tidewater.lifecycle.export;

import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.Window;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The newest ledger version of each window of one measurement, per resolution, as the listing a run
 * plans from found them (deleted ones included): what a window's write is based on, so it need not
 * list the window's ledger folder again (a request per window and resolution on an object store, a
 * fifth of the writers' CPU on s3proxy). The listing is taken holding the policy (its lease, and
 * the lock micro-batch commits take), so no other writer commits meanwhile unless the lease is
 * lost; then the race is the one {@code WindowWriter} describes for a lost lease, over a longer
 * time: a version committed after the listing makes the write's put-if-absent commit fail, the
 * writer leaves a marker, and the window is redone from a fresh look ({@link ExportPipeline}).
 */
final class ListedVersions {

  /** Nothing listed: every write looks its window up. */
  static final ListedVersions NONE = new ListedVersions(Map.of());

  private final Map<Resolution, Map<Instant, WindowVersion>> newest;

  private ListedVersions(Map<Resolution, Map<Instant, WindowVersion>> newest) {
    this.newest = newest;
  }

  /** From the newest versions of every window per listed resolution. */
  static ListedVersions of(Map<Resolution, List<WindowVersion>> listed) {
    Map<Resolution, Map<Instant, WindowVersion>> byStart = new HashMap<>();
    listed.forEach(
        (r, versions) -> {
          Map<Instant, WindowVersion> starts = new HashMap<>();
          versions.forEach(v -> starts.put(v.window().start(), v));
          byStart.put(r, Map.copyOf(starts));
        });
    return new ListedVersions(Map.copyOf(byStart));
  }

  /** Whether {@code r} was listed (if not, a write of it must look its window up). */
  boolean covers(Resolution r) {
    return newest.containsKey(r);
  }

  /** The newest listed version of {@code w} at a listed resolution; empty if it had none. */
  Optional<WindowVersion> newest(Resolution r, Window w) {
    return Optional.ofNullable(newest.getOrDefault(r, Map.of()).get(w.start()));
  }
}
