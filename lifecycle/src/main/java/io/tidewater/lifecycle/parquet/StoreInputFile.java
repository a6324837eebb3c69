package io.tidewater.lifecycle.parquet;

import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.ObjectInfo;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A lake object as parquet-java's {@link InputFile}: ranged reads through the store, each carrying
 * the ETag the ledger recorded, so a file replaced under a reader fails the read instead of mixing
 * versions. Small reads (the footer) go through a read-ahead buffer; column chunks are read in one
 * request each.
 */
public final class StoreInputFile implements InputFile {

  private static final int READ_AHEAD = 256 * 1024;

  private final LakeStore store;
  private final ObjectInfo object;

  public StoreInputFile(LakeStore store, ObjectInfo object) {
    this.store = store;
    this.object = object;
  }

  @Override
  public long getLength() {
    return object.size();
  }

  @Override
  public SeekableInputStream newStream() {
    return new Stream();
  }

  /**
   * What names this object's content, when the store gave an ETag: its URI, size and ETag. Two
   * files with the same content key hold the same bytes.
   */
  public Optional<String> contentKey() {
    String etag = object.etag();
    return etag == null || etag.isEmpty()
        ? Optional.empty()
        : Optional.of(store.location().uriOf(object.key()) + "#" + object.size() + "#" + etag);
  }

  @Override
  public String toString() {
    return store.location().uriOf(object.key());
  }

  private final class Stream extends SeekableInputStream {
    private long pos;
    private byte[] buffer = new byte[0];
    private long bufferStart;

    @Override
    public long getPos() {
      return pos;
    }

    @Override
    public void seek(long newPos) {
      pos = newPos;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (pos >= object.size()) {
        return -1;
      }
      int n = (int) Math.min(len, object.size() - pos);
      readFully(b, off, n);
      return n;
    }

    @Override
    public void readFully(byte[] bytes) throws IOException {
      readFully(bytes, 0, bytes.length);
    }

    @Override
    public void readFully(byte[] bytes, int start, int len) throws IOException {
      if (pos + len > object.size()) {
        throw new EOFException(
            "reading "
                + len
                + " bytes at "
                + pos
                + " of "
                + StoreInputFile.this
                + " ("
                + object.size()
                + " bytes)");
      }
      if (pos >= bufferStart && pos + len <= bufferStart + buffer.length) {
        System.arraycopy(buffer, (int) (pos - bufferStart), bytes, start, len);
      } else if (len >= READ_AHEAD) {
        byte[] data = fetch(pos, len);
        System.arraycopy(data, 0, bytes, start, len);
      } else {
        buffer = fetch(pos, (int) Math.min(READ_AHEAD, object.size() - pos));
        bufferStart = pos;
        System.arraycopy(buffer, 0, bytes, start, len);
      }
      pos += len;
    }

    private byte[] fetch(long offset, int length) throws EOFException {
      byte[] data = store.readRange(object.key(), offset, length, Optional.of(object.etag()));
      if (data.length < length) {
        throw new EOFException(
            StoreInputFile.this + " is shorter than the ledger says (" + object.size() + " bytes)");
      }
      return data;
    }

    @Override
    public int read(ByteBuffer buf) throws IOException {
      if (pos >= object.size()) {
        return -1;
      }
      int n = (int) Math.min(buf.remaining(), object.size() - pos);
      byte[] data = new byte[n];
      readFully(data, 0, n);
      buf.put(data);
      return n;
    }

    @Override
    public void readFully(ByteBuffer buf) throws IOException {
      byte[] data = new byte[buf.remaining()];
      readFully(data, 0, data.length);
      buf.put(data);
    }
  }
}
