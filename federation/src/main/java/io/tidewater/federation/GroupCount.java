package io.tidewater.federation;

/**
 * An estimate of how many distinct groups an aggregate has seen so far, in 1 KiB whatever their
 * number (HyperLogLog with 1024 registers, about 3% error): what lets a statement's memory budget
 * count an aggregate's groups while its input streams in, before its hash map outgrows the heap.
 */
final class GroupCount {

  private static final int BITS = 10;
  private static final int REGISTERS = 1 << BITS;
  private static final double ALPHA = 0.7213 / (1 + 1.079 / REGISTERS);

  private final byte[] registers = new byte[REGISTERS];

  /** Counts a group key by its hash code. */
  void add(int hashCode) {
    long h = mix(hashCode);
    int index = (int) (h >>> (64 - BITS));
    int rank = Math.min(Long.numberOfLeadingZeros(h << BITS), 64 - BITS) + 1;
    if (rank > registers[index]) {
      registers[index] = (byte) rank;
    }
  }

  /** The estimated number of distinct keys added. */
  long estimate() {
    double sum = 0;
    int zeros = 0;
    for (byte r : registers) {
      sum += Math.scalb(1.0, -r);
      if (r == 0) {
        zeros++;
      }
    }
    double e = ALPHA * REGISTERS * REGISTERS / sum;
    if (e <= 2.5 * REGISTERS && zeros > 0) {
      e = REGISTERS * Math.log((double) REGISTERS / zeros); // few keys: linear counting
    }
    return Math.round(e);
  }

  /** Spreads a 32-bit hash code over 64 bits (MurmurHash3's finalizer). */
  private static long mix(int hashCode) {
    long h = hashCode * 0x9E3779B97F4A7C15L;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb93fe63fc49bL;
    h ^= h >>> 33;
    return h;
  }
}
