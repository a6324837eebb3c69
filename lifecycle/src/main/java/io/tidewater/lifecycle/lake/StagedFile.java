package io.tidewater.lifecycle.lake;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * Where one Parquet file is written before it goes to the lake: memory while it stays under {@code
 * memoryLimit} bytes, else a file of the staging folder (the bytes so far moved there). A window's
 * files are mostly tens of kilobytes: writing them to a local file first cost an inode, a rename
 * and, on object stores, a read back per file, which profiles of exports of hourly windows showed
 * as a sixth of the writers' CPU (ext4 searching its inode bitmaps). One use: {@link #create} once,
 * then {@link #inMemory()} or {@link #spilled()}; {@link #close} deletes a spilled file.
 */
final class StagedFile implements OutputFile, AutoCloseable {

  private final Path folder;
  private final int memoryLimit;
  private byte[] buffer = new byte[8192];
  private int size;
  private Path spilled;
  private boolean opened;

  StagedFile(Path folder, int memoryLimit) {
    this.folder = folder;
    this.memoryLimit = memoryLimit;
  }

  @Override
  public PositionOutputStream create(long blockSizeHint) {
    return open();
  }

  @Override
  public PositionOutputStream createOrOverwrite(long blockSizeHint) {
    return open();
  }

  private PositionOutputStream open() {
    if (opened) {
      throw new IllegalStateException("a staged file is written once");
    }
    opened = true;
    return new Stream();
  }

  @Override
  public boolean supportsBlockSize() {
    return false;
  }

  @Override
  public long defaultBlockSize() {
    return 0;
  }

  /** The file's bytes (a copy of their exact length), if they stayed in memory. */
  Optional<byte[]> inMemory() {
    return spilled == null ? Optional.of(Arrays.copyOf(buffer, size)) : Optional.empty();
  }

  /** The local file holding the bytes, if they outgrew memory. */
  Optional<Path> spilled() {
    return Optional.ofNullable(spilled);
  }

  /** Deletes the spilled file, if any is left (a store that moves it leaves none). */
  @Override
  public void close() {
    if (spilled != null) {
      try {
        Files.deleteIfExists(spilled);
      } catch (IOException ignored) {
        // A leftover is removed when the staging folder is next claimed.
      }
    }
  }

  private final class Stream extends PositionOutputStream {
    private OutputStream file;
    private long position;

    @Override
    public long getPos() {
      return position;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (file == null && (long) size + len > memoryLimit) {
        spill();
      }
      if (file != null) {
        file.write(b, off, len);
      } else {
        if (size + len > buffer.length) {
          buffer =
              Arrays.copyOf(buffer, Math.max(size + len, (int) Math.min(memoryLimit, 2L * size)));
        }
        System.arraycopy(b, off, buffer, size, len);
        size += len;
      }
      position += len;
    }

    private void spill() throws IOException {
      try {
        Files.createDirectories(folder);
        // Owner-only while staged.
        spilled = Files.createTempFile(folder, StagingFolder.PREFIX, ".parquet");
        file = new BufferedOutputStream(Files.newOutputStream(spilled), 1 << 16);
      } catch (IOException e) {
        throw new IOException(
            "cannot stage a file of over "
                + memoryLimit
                + " bytes in "
                + folder
                + ": "
                + e.getMessage(),
            e);
      }
      file.write(buffer, 0, size);
      buffer = null;
      size = 0;
    }

    @Override
    public void flush() throws IOException {
      if (file != null) {
        file.flush();
      }
    }

    @Override
    public void close() throws IOException {
      if (file != null) {
        file.close();
      }
    }
  }
}
