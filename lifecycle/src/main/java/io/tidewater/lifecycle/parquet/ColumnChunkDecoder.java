package io.tidewater.lifecycle.parquet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder;

/**
 * Decodes the pages of one column chunk straight into arrays indexed by row of the row group,
 * through parquet-java's public page API. The common cases are decoded in bulk: plain doubles and
 * longs from the page buffer, byte-stream-split doubles by transposing bytes, dictionary pages as
 * ids mapped through a primitive dictionary; anything else goes through parquet-java's value
 * readers. Pages are consumed before the next is read, so a reused decompression buffer is safe.
 */
final class ColumnChunkDecoder {

  private double[] doubleScratch = new double[0];
  private long[] longScratch = new long[0];
  private int[] idScratch = new int[0];

  /** One page's levels and values, whatever its format version. */
  private record PageParts(
      int firstRow, int count, int nullCount, Encoding encoding, ByteBuffer values) {}

  void doubles(PageReader pages, ColumnDescriptor c, double[] out, boolean[] nulls) {
    Dictionary dict = dictionary(pages, c);
    double[] dictValues = null;
    if (dict != null) {
      dictValues = new double[dict.getMaxId() + 1];
      for (int i = 0; i < dictValues.length; i++) {
        dictValues[i] = dict.decodeToDouble(i);
      }
    }
    int row = 0;
    for (DataPage page = pages.readPage(); page != null; page = pages.readPage()) {
      PageParts p = parts(page, c, row, nulls);
      int nonNull = p.count - p.nullCount;
      double[] target = p.nullCount == 0 ? out : scratchDoubles(nonNull);
      int at = p.nullCount == 0 ? p.firstRow : 0;
      switch (p.encoding) {
        case PLAIN ->
            p.values.order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(target, at, nonNull);
        case BYTE_STREAM_SPLIT -> byteStreamSplit(p.values, nonNull, target, at);
        case RLE_DICTIONARY, PLAIN_DICTIONARY -> {
          int[] ids = ids(p.values, nonNull);
          for (int i = 0; i < nonNull; i++) {
            target[at + i] = dictValues[ids[i]];
          }
        }
        default -> {
          ValuesReader reader = reader(p, c, dict);
          for (int i = 0; i < nonNull; i++) {
            target[at + i] = reader.readDouble();
          }
        }
      }
      if (p.nullCount > 0) {
        for (int i = 0, k = 0; i < p.count; i++) {
          if (!nulls[p.firstRow + i]) {
            out[p.firstRow + i] = target[k++];
          }
        }
      }
      row = p.firstRow + p.count;
    }
  }

  /** INT64 columns; with {@code booleans} set, BOOLEAN columns as 0 and 1. */
  void longs(PageReader pages, ColumnDescriptor c, long[] out, boolean[] nulls, boolean booleans) {
    Dictionary dict = dictionary(pages, c);
    long[] dictValues = null;
    if (dict != null && !booleans) {
      dictValues = new long[dict.getMaxId() + 1];
      for (int i = 0; i < dictValues.length; i++) {
        dictValues[i] = dict.decodeToLong(i);
      }
    }
    int row = 0;
    for (DataPage page = pages.readPage(); page != null; page = pages.readPage()) {
      PageParts p = parts(page, c, row, nulls);
      int nonNull = p.count - p.nullCount;
      long[] target = p.nullCount == 0 ? out : scratchLongs(nonNull);
      int at = p.nullCount == 0 ? p.firstRow : 0;
      if (!booleans && p.encoding == Encoding.PLAIN) {
        p.values.order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(target, at, nonNull);
      } else if (!booleans && p.encoding.usesDictionary()) {
        int[] ids = ids(p.values, nonNull);
        for (int i = 0; i < nonNull; i++) {
          target[at + i] = dictValues[ids[i]];
        }
      } else {
        ValuesReader reader = reader(p, c, dict);
        for (int i = 0; i < nonNull; i++) {
          target[at + i] = booleans ? (reader.readBoolean() ? 1 : 0) : reader.readLong();
        }
      }
      if (p.nullCount > 0) {
        for (int i = 0, k = 0; i < p.count; i++) {
          if (!nulls[p.firstRow + i]) {
            out[p.firstRow + i] = target[k++];
          }
        }
      }
      row = p.firstRow + p.count;
    }
  }

  /**
   * Strings as ids into {@code v}'s dictionary: the chunk's dictionary first, then values of plain
   * pages.
   */
  void strings(PageReader pages, ColumnDescriptor c, ColumnBatch.Vector v) {
    Dictionary dict = dictionary(pages, c);
    Map<String, Integer> plainIds = null;
    if (dict != null) {
      for (int id = 0; id <= dict.getMaxId(); id++) {
        v.dictionary.add(dict.decodeToBinary(id).toStringUsingUTF8());
      }
    }
    int row = 0;
    for (DataPage page = pages.readPage(); page != null; page = pages.readPage()) {
      PageParts p = parts(page, c, row, v.nulls);
      int nonNull = p.count - p.nullCount;
      int[] ids;
      if (p.encoding.usesDictionary()) {
        ids = ids(p.values, nonNull);
      } else {
        if (plainIds == null) {
          plainIds = new HashMap<>();
          for (int id = 0; id < v.dictionary.size(); id++) {
            plainIds.put(v.dictionary.get(id), id);
          }
        }
        ValuesReader reader = reader(p, c, dict);
        ids = scratchIds(nonNull);
        for (int i = 0; i < nonNull; i++) {
          String s = reader.readBytes().toStringUsingUTF8();
          Integer id = plainIds.get(s);
          if (id == null) {
            id = v.dictionary.size();
            v.dictionary.add(s);
            plainIds.put(s, id);
          }
          ids[i] = id;
        }
      }
      for (int i = 0, k = 0; i < p.count; i++) {
        if (!v.nulls[p.firstRow + i]) {
          v.ids[p.firstRow + i] = ids[k++];
        }
      }
      row = p.firstRow + p.count;
    }
  }

  private static Dictionary dictionary(PageReader pages, ColumnDescriptor c) {
    DictionaryPage page = pages.readDictionaryPage();
    try {
      return page == null ? null : page.getEncoding().initDictionary(c, page);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the dictionary of " + String.join(".", c.getPath()), e);
    }
  }

  /**
   * Splits a page into its parts and fills {@code nulls} for its rows from the definition levels.
   */
  private static PageParts parts(DataPage page, ColumnDescriptor c, int nextRow, boolean[] nulls) {
    int first = page.getFirstRowIndex().map(Long::intValue).orElse(nextRow);
    int n = page.getValueCount();
    int maxDef = c.getMaxDefinitionLevel();
    try {
      if (page instanceof DataPageV2 v2) {
        int nullCount = maxDef == 0 ? 0 : v2.getNullCount();
        if (nulls != null) {
          if (nullCount == 0) {
            Arrays.fill(nulls, first, first + n, false);
          } else {
            RunLengthBitPackingHybridDecoder levels =
                new RunLengthBitPackingHybridDecoder(
                    BytesUtils.getWidthFromMaxInt(maxDef),
                    v2.getDefinitionLevels().toInputStream());
            for (int i = 0; i < n; i++) {
              nulls[first + i] = levels.readInt() < maxDef;
            }
          }
        }
        return new PageParts(
            first, n, nullCount, v2.getDataEncoding(), v2.getData().toByteBuffer());
      }
      DataPageV1 v1 = (DataPageV1) page;
      ByteBufferInputStream in = v1.getBytes().toInputStream();
      int nullCount = 0;
      if (maxDef > 0) {
        ValuesReader levels = v1.getDlEncoding().getValuesReader(c, ValuesType.DEFINITION_LEVEL);
        levels.initFromPage(n, in);
        for (int i = 0; i < n; i++) {
          boolean isNull = levels.readInteger() < maxDef;
          nullCount += isNull ? 1 : 0;
          if (nulls != null) {
            nulls[first + i] = isNull;
          }
        }
      } else if (nulls != null) {
        Arrays.fill(nulls, first, first + n, false);
      }
      return new PageParts(first, n, nullCount, v1.getValueEncoding(), in.slice(in.available()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode a page of " + String.join(".", c.getPath()), e);
    }
  }

  /** parquet-java's reader for encodings without a bulk path here. */
  private static ValuesReader reader(PageParts p, ColumnDescriptor c, Dictionary dict) {
    ValuesReader reader =
        p.encoding.usesDictionary()
            ? p.encoding.getDictionaryBasedValuesReader(c, ValuesType.VALUES, dict)
            : p.encoding.getValuesReader(c, ValuesType.VALUES);
    try {
      reader.initFromPage(p.count, ByteBufferInputStream.wrap(p.values.slice()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode a page of " + String.join(".", c.getPath()), e);
    }
    return reader;
  }

  /** Dictionary ids of a page: a bit-width byte, then the RLE/bit-packed hybrid. */
  private int[] ids(ByteBuffer values, int n) {
    int[] ids = scratchIds(n);
    ByteBuffer b = values.slice();
    int bitWidth = b.get() & 0xff;
    if (bitWidth == 0) {
      Arrays.fill(ids, 0, n, 0);
      return ids;
    }
    RunLengthBitPackingHybridDecoder decoder =
        new RunLengthBitPackingHybridDecoder(bitWidth, ByteBufferInputStream.wrap(b));
    try {
      for (int i = 0; i < n; i++) {
        ids[i] = decoder.readInt();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ids;
  }

  private static void byteStreamSplit(ByteBuffer values, int n, double[] out, int at) {
    byte[] bytes = new byte[n * 8];
    values.slice().get(bytes);
    for (int i = 0; i < n; i++) {
      long bits = 0;
      for (int b = 0; b < 8; b++) {
        bits |= (bytes[b * n + i] & 0xffL) << (8 * b);
      }
      out[at + i] = Double.longBitsToDouble(bits);
    }
  }

  private double[] scratchDoubles(int n) {
    if (doubleScratch.length < n) {
      doubleScratch = new double[n];
    }
    return doubleScratch;
  }

  private long[] scratchLongs(int n) {
    if (longScratch.length < n) {
      longScratch = new long[n];
    }
    return longScratch;
  }

  private int[] scratchIds(int n) {
    if (idScratch.length < n) {
      idScratch = new int[n];
    }
    return idScratch;
  }
}
