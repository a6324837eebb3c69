package io.tidewater.lifecycle.store.azure;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.AccessTier;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobUploadFromFileOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.LakeStoreException;
import io.tidewater.lifecycle.store.ObjectInfo;
import io.tidewater.policy.StorageClass;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The lake in an ADLS Gen2 file system, through the Blob API the account serves beside DFS (the
 * same calls work on a flat Blob account and on Azurite). Large files go up as blocks and appear
 * only at Put Block List; put-if-absent is {@code If-None-Match: *}; ranged reads carry {@code
 * If-Match}; storage classes are access tiers.
 */
public final class AzureLakeStore implements LakeStore {

  private final LakeLocation.Azure location;
  private final AzureStoreConfig config;
  private final BlobContainerClient container;

  public AzureLakeStore(LakeLocation.Azure location, AzureStoreConfig config) {
    this.location = location;
    this.config = config;
    BlobServiceClientBuilder builder =
        new BlobServiceClientBuilder().httpClient(new JdkHttpClientBuilder().build());
    if (config.connectionString().isPresent()) {
      builder.connectionString(config.connectionString().get());
    } else {
      builder.endpoint(config.blobEndpoint().orElseGet(location::blobEndpoint).toString());
      config
          .accountKey()
          .ifPresent(
              key -> builder.credential(new StorageSharedKeyCredential(location.account(), key)));
      config.sasToken().ifPresent(builder::sasToken);
    }
    config
        .blobEndpoint()
        .filter(e -> config.connectionString().isPresent())
        .ifPresent(e -> builder.endpoint(e.toString()));
    this.container = builder.buildClient().getBlobContainerClient(location.fileSystem());
  }

  @Override
  public LakeLocation location() {
    return location;
  }

  private String blobName(String key) {
    return location.prefix().isEmpty() ? key : location.prefix() + "/" + key;
  }

  private String lakeKey(String blobName) {
    return location.prefix().isEmpty()
        ? blobName
        : blobName.substring(location.prefix().length() + 1);
  }

  private BlobClient blob(String key) {
    return container.getBlobClient(blobName(key));
  }

  @Override
  public ObjectInfo put(String key, Path content, StorageClass storageClass) {
    try {
      BlobUploadFromFileOptions options =
          new BlobUploadFromFileOptions(content.toString())
              .setParallelTransferOptions(
                  new ParallelTransferOptions()
                      .setBlockSizeLong(config.blockSize())
                      .setMaxSingleUploadSizeLong(config.singleUploadLimit())
                      .setMaxConcurrency(2))
              .setTier(tier(storageClass));
      BlockBlobItem item =
          blob(key).uploadFromFileWithResponse(options, null, Context.NONE).getValue();
      return info(key, Files.size(content), item, storageClass);
    } catch (BlobStorageException e) {
      throw failure("write", key, e);
    } catch (IOException | UncheckedIOException e) {
      throw new LakeStoreException(
          "cannot read " + content + " to upload it: " + e.getMessage(), e);
    }
  }

  @Override
  public ObjectInfo put(String key, byte[] content, StorageClass storageClass) {
    return upload(key, content, storageClass, false);
  }

  @Override
  public ObjectInfo putIfAbsent(String key, byte[] content) {
    return upload(key, content, StorageClass.STANDARD, true);
  }

  private ObjectInfo upload(
      String key, byte[] content, StorageClass storageClass, boolean ifAbsent) {
    BlockBlobSimpleUploadOptions options =
        new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(content)).setTier(tier(storageClass));
    if (ifAbsent) {
      options.setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*"));
    }
    try {
      BlockBlobItem item =
          blob(key).getBlockBlobClient().uploadWithResponse(options, null, Context.NONE).getValue();
      return info(key, content.length, item, storageClass);
    } catch (BlobStorageException e) {
      if (ifAbsent && (e.getStatusCode() == 409 || e.getStatusCode() == 412)) {
        // A retried upload whose first attempt landed fails against itself: same bytes means ours.
        Optional<ObjectInfo> ours = stat(key).filter(o -> Arrays.equals(read(key), content));
        return ours.orElseThrow(
            () -> new LakeStoreException.Conflict(location.uriOf(key) + " already exists", e));
      }
      throw failure("write", key, e);
    }
  }

  private static ObjectInfo info(
      String key, long size, BlockBlobItem item, StorageClass storageClass) {
    return new ObjectInfo(
        key, size, item.getETag(), item.getLastModified().toInstant(), Optional.of(storageClass));
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    try {
      BlobProperties p = blob(key).getProperties();
      return Optional.of(
          new ObjectInfo(
              key,
              p.getBlobSize(),
              p.getETag(),
              p.getLastModified().toInstant(),
              Optional.of(storageClass(p.getAccessTier()))));
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 404) {
        return Optional.empty();
      }
      throw failure("stat", key, e);
    }
  }

  @Override
  public byte[] read(String key) {
    try {
      return blob(key).downloadContent().toBytes();
    } catch (BlobStorageException e) {
      throw e.getStatusCode() == 404 ? missing(key, e) : failure("read", key, e);
    }
  }

  @Override
  public byte[] readRange(String key, long offset, int length, Optional<String> expectedEtag) {
    if (length == 0) {
      return new byte[0];
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(length);
    BlobRequestConditions conditions = new BlobRequestConditions();
    expectedEtag.ifPresent(conditions::setIfMatch);
    try {
      blob(key)
          .downloadStreamWithResponse(
              out,
              new BlobRange(offset, (long) length),
              null,
              conditions,
              false,
              null,
              Context.NONE);
      return out.toByteArray();
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 412 || BlobErrorCode.CONDITION_NOT_MET.equals(e.getErrorCode())) {
        throw new LakeStoreException.Conflict(
            location.uriOf(key)
                + " was replaced (ETag "
                + expectedEtag.orElse("")
                + " no longer matches)",
            e);
      }
      if (e.getStatusCode() == 416) {
        return new byte[0];
      }
      throw e.getStatusCode() == 404 ? missing(key, e) : failure("read", key, e);
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    try {
      List<ObjectInfo> out = new ArrayList<>();
      for (BlobItem item :
          container.listBlobs(new ListBlobsOptions().setPrefix(blobName(prefix)), null)) {
        if (Boolean.TRUE.equals(item.isPrefix()) || item.getProperties() == null) {
          continue;
        }
        var p = item.getProperties();
        out.add(
            new ObjectInfo(
                lakeKey(item.getName()),
                p.getContentLength(),
                p.getETag(),
                p.getLastModified().toInstant(),
                Optional.of(storageClass(p.getAccessTier()))));
      }
      return out; // Blob listings are in name order
    } catch (BlobStorageException e) {
      throw failure("list", prefix, e);
    }
  }

  @Override
  public List<String> folders(String prefix) {
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      return LakeStore.super.folders(prefix);
    }
    try {
      String from = blobName(prefix);
      List<String> out = new ArrayList<>();
      for (BlobItem item :
          container.listBlobsByHierarchy("/", new ListBlobsOptions().setPrefix(from), null)) {
        if (Boolean.TRUE.equals(item.isPrefix())) {
          String name = item.getName().substring(from.length());
          out.add(name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
        }
      }
      return out; // Blob listings are in name order; a virtual folder exists only with a blob
    } catch (BlobStorageException e) {
      throw failure("list", prefix, e);
    }
  }

  @Override
  public void delete(String key) {
    try {
      blob(key).deleteIfExists();
    } catch (BlobStorageException e) {
      throw failure("delete", key, e);
    }
  }

  @Override
  public boolean supportsStorageClasses() {
    return true;
  }

  @Override
  public void changeStorageClass(String key, StorageClass storageClass) {
    try {
      blob(key).setAccessTier(tier(storageClass));
    } catch (BlobStorageException e) {
      throw e.getStatusCode() == 404
          ? missing(key, e)
          : failure("change the access tier of", key, e);
    }
  }

  static AccessTier tier(StorageClass c) {
    return switch (c) {
      case STANDARD -> AccessTier.HOT;
      case COOL -> AccessTier.COOL;
      case COLD -> AccessTier.COLD;
      case ARCHIVE -> AccessTier.ARCHIVE;
    };
  }

  /** Azure's tiers back to our classes; an unset tier is the account default, Hot. */
  static StorageClass storageClass(AccessTier tier) {
    if (tier == null || AccessTier.HOT.equals(tier) || AccessTier.PREMIUM.equals(tier)) {
      return StorageClass.STANDARD;
    }
    if (AccessTier.COOL.equals(tier)) {
      return StorageClass.COOL;
    }
    if (AccessTier.COLD.equals(tier)) {
      return StorageClass.COLD;
    }
    return AccessTier.ARCHIVE.equals(tier) ? StorageClass.ARCHIVE : StorageClass.STANDARD;
  }

  private LakeStoreException.Missing missing(String key, BlobStorageException e) {
    return new LakeStoreException.Missing(location.uriOf(key) + " does not exist", e);
  }

  private LakeStoreException failure(String what, String key, BlobStorageException e) {
    return new LakeStoreException(
        "cannot "
            + what
            + " "
            + location.uriOf(key)
            + ": "
            + e.getStatusCode()
            + " "
            + e.getErrorCode(),
        e);
  }

  @Override
  public void close() {
    // The SDK's clients hold no resources that need closing.
  }
}
