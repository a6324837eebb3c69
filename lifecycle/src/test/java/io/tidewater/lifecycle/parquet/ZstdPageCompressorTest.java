package io.tidewater.lifecycle.parquet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;

class ZstdPageCompressorTest {

  @Test
  void pagesCompressedOnOneContextAreStandardFramesAndStayValid() throws Exception {
    ZstdPageCompressor compressor = new ZstdPageCompressor();
    Random random = new Random(7);
    List<byte[]> pages = new ArrayList<>();
    List<BytesInput> compressed = new ArrayList<>();
    try {
      // Sizes from empty to beyond one zstd block, some repetitive, some not.
      for (int size : new int[] {0, 1, 100, 3_000, 131_072, 300_001}) {
        byte[] page = new byte[size];
        for (int i = 0; i < size; i++) {
          page[i] = (byte) (size % 3 == 0 ? i % 17 : random.nextInt());
        }
        pages.add(page);
        compressed.add(compressor.compress(BytesInput.from(page)));
      }
      assertEquals(CompressionCodecName.ZSTD, compressor.getCodecName());
    } finally {
      compressor.release();
    }
    // Every earlier page is still whole after later ones (the page writer keeps them until the
    // column chunk ends) and is a zstd frame any reader decodes.
    for (int p = 0; p < pages.size(); p++) {
      byte[] frame = compressed.get(p).toByteArray();
      assertArrayEquals(pages.get(p), Zstd.decompress(frame, pages.get(p).length), "page " + p);
    }
    byte[] repetitive = pages.get(3);
    assertTrue(
        compressed.get(3).size() < repetitive.length / 10,
        "a repetitive page compresses: " + compressed.get(3).size());
  }
}
