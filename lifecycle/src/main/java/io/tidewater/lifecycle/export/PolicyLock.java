package io.tidewater.lifecycle.export;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.tidewater.lifecycle.lake.Lease;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.util.Threads;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Holds a policy while work runs on it: one run at a time in this process, and with a lease in the
 * lake one gateway at a time among those sharing it. The lease is renewed in the background every
 * third of its time, so one slow window cannot outlive it; work checks {@link #check} and stops
 * once it was lost (expired and taken over).
 */
final class PolicyLock {

  private final String policy;
  private final Ledger ledger;
  private final Clock clock;
  private final Optional<ExportSettings.Lease> settings;
  private final ReentrantLock running = new ReentrantLock();
  private final Lease.Watch watch;
  private volatile Lease current;
  private volatile boolean lost;

  PolicyLock(
      String policy,
      Ledger ledger,
      Clock clock,
      Optional<ExportSettings.Lease> settings,
      Lease.Watch watch) {
    this.watch = watch;
    this.policy = policy;
    this.ledger = ledger;
    this.clock = clock;
    this.settings = settings;
  }

  /**
   * Runs {@code work} holding the policy; empty, without running it, if a run in this process did
   * not end within {@code wait} or another gateway holds the lease.
   */
  <T> Optional<T> exclusively(Duration wait, Supplier<T> work) {
    try {
      if (!running.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        return Optional.empty();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
    try {
      if (settings.isEmpty()) {
        return Optional.of(work.get());
      }
      Optional<Lease> held =
          Lease.acquire(
              ledger.store(),
              "export-" + policy,
              settings.get().owner(),
              settings.get().ttl(),
              clock.instant(),
              watch);
      if (held.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(underLease(held.get(), work));
    } finally {
      running.unlock();
    }
  }

  private <T> T underLease(Lease lease, Supplier<T> work) {
    lost = false;
    ScheduledExecutorService renewer =
        Executors.newSingleThreadScheduledExecutor(Threads.daemon("tidewater-lease-" + policy));
    long period = Math.max(1, settings.orElseThrow().ttl().toMillis() / 3);
    renewer.scheduleAtFixedRate(
        () -> {
          try {
            if (!lost && !lease.renew(clock.instant())) {
              lost = true;
            }
          } catch (RuntimeException e) {
            // The store is unreachable: the next attempt may succeed; the run's writes fail
            // meanwhile.
          }
        },
        period,
        period,
        TimeUnit.MILLISECONDS);
    current = lease;
    try {
      return work.get();
    } finally {
      renewer.shutdownNow();
      current = null;
      if (!lost) {
        lease.release(clock.instant());
      }
    }
  }

  /**
   * The live lease another gateway holds on the policy, which keeps a run here from starting; empty
   * without leases, when nobody holds it, when it ran out, or when it is this gateway's own.
   */
  Optional<Lease.Holder> heldElsewhere() {
    if (settings.isEmpty()) {
      return Optional.empty();
    }
    return Lease.holder(ledger.store(), "export-" + policy)
        .filter(h -> !h.owner().equals(settings.get().owner()))
        .filter(h -> !watch.ranOut(h));
  }

  /** Whether the lease of the work under way was lost. */
  boolean lost() {
    return current != null && lost;
  }

  /** Stops the work (LAKE_CONFLICT) when the lease was lost: another gateway carries on. */
  void check() {
    if (lost()) {
      throw new TidewaterException(
          ErrorCode.LAKE_CONFLICT,
          "the lease on policy "
              + policy
              + " expired and another gateway took it over; this run stops");
    }
  }
}
