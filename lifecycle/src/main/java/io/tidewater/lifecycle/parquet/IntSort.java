package io.tidewater.lifecycle.parquet;

/**
 * A stable merge sort of int indices by a primitive comparator: no boxing for million-row windows.
 */
final class IntSort {

  /** Compares two indices. */
  interface IntComparator {
    int compare(int a, int b);
  }

  private IntSort() {}

  static void sort(int[] a, IntComparator cmp) {
    if (isSorted(a, cmp)) {
      return; // exports read series in order from InfluxDB: usually nothing to do
    }
    int[] buffer = a.clone();
    mergeSort(buffer, a, 0, a.length, cmp);
  }

  private static boolean isSorted(int[] a, IntComparator cmp) {
    for (int i = 1; i < a.length; i++) {
      if (cmp.compare(a[i - 1], a[i]) > 0) {
        return false;
      }
    }
    return true;
  }

  /** Sorts src[from, to) into dst[from, to); both start with the same content. */
  private static void mergeSort(int[] src, int[] dst, int from, int to, IntComparator cmp) {
    int n = to - from;
    if (n < 16) {
      for (int i = from + 1; i < to; i++) {
        int v = dst[i];
        int j = i - 1;
        while (j >= from && cmp.compare(dst[j], v) > 0) {
          dst[j + 1] = dst[j];
          j--;
        }
        dst[j + 1] = v;
      }
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(dst, src, from, mid, cmp);
    mergeSort(dst, src, mid, to, cmp);
    int i = from;
    int j = mid;
    for (int k = from; k < to; k++) {
      if (j >= to || (i < mid && cmp.compare(src[i], src[j]) <= 0)) {
        dst[k] = src[i++];
      } else {
        dst[k] = src[j++];
      }
    }
  }
}
