package io.tidewater.lifecycle.store.s3;

import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.LakeStoreException;
import io.tidewater.lifecycle.store.ObjectInfo;
import io.tidewater.policy.StorageClass;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The lake in an S3 bucket (AWS or compatible). Puts are atomic by S3's nature (an object appears
 * when its PUT or multipart completion succeeds); put-if-absent is {@code If-None-Match: *}; ranged
 * reads carry {@code If-Match} to detect a replaced object.
 */
public final class S3LakeStore implements LakeStore {

  private final LakeLocation.S3 location;
  private final S3StoreConfig config;
  private final S3Client s3;

  public S3LakeStore(LakeLocation.S3 location, S3StoreConfig config) {
    this(location, config, ClientOverrideConfiguration.builder().build());
  }

  /** With SDK overrides (retry policy, timeouts, interceptors). */
  public S3LakeStore(
      LakeLocation.S3 location, S3StoreConfig config, ClientOverrideConfiguration overrides) {
    this.location = location;
    this.config = config;
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClientBuilder(ApacheHttpClient.builder().maxConnections(64))
            .overrideConfiguration(overrides)
            .forcePathStyle(config.pathStyle())
            .region(config.region().map(Region::of).orElseGet(S3LakeStore::defaultRegion));
    config.endpoint().ifPresent(builder::endpointOverride);
    if (config.accessKey().isPresent()) {
      builder.credentialsProvider(
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(
                  config.accessKey().get(), config.secretKey().orElseThrow())));
    } else {
      builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
    }
    this.s3 = builder.build();
  }

  private static Region defaultRegion() {
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkException e) {
      return Region.US_EAST_1;
    }
  }

  @Override
  public LakeLocation location() {
    return location;
  }

  private String objectKey(String key) {
    return location.prefix().isEmpty() ? key : location.prefix() + "/" + key;
  }

  private String lakeKey(String objectKey) {
    return location.prefix().isEmpty()
        ? objectKey
        : objectKey.substring(location.prefix().length() + 1);
  }

  @Override
  public ObjectInfo put(String key, Path content, StorageClass storageClass) {
    try {
      long size = Files.size(content);
      if (size > config.multipartThreshold()) {
        return multipart(key, content, size, storageClass);
      }
      return put(key, RequestBody.fromFile(content), size, storageClass, false);
    } catch (IOException e) {
      throw new LakeStoreException(
          "cannot read " + content + " to upload it: " + e.getMessage(), e);
    }
  }

  @Override
  public ObjectInfo put(String key, byte[] content, StorageClass storageClass) {
    return put(key, RequestBody.fromBytes(content), content.length, storageClass, false);
  }

  @Override
  public ObjectInfo putIfAbsent(String key, byte[] content) {
    return put(key, RequestBody.fromBytes(content), content.length, StorageClass.STANDARD, true);
  }

  private ObjectInfo put(
      String key, RequestBody body, long size, StorageClass storageClass, boolean ifAbsent) {
    PutObjectRequest.Builder request =
        PutObjectRequest.builder()
            .bucket(location.bucket())
            .key(objectKey(key))
            .storageClass(s3Class(storageClass));
    if (ifAbsent) {
      request.ifNoneMatch("*");
    }
    try {
      PutObjectResponse response = s3.putObject(request.build(), body);
      return new ObjectInfo(key, size, response.eTag(), Instant.now(), Optional.of(storageClass));
    } catch (S3Exception e) {
      // 412: the key exists; 409: a concurrent conditional write to the same key is in progress.
      if (ifAbsent && (e.statusCode() == 412 || e.statusCode() == 409)) {
        return ownRetriedWrite(key, body, size, storageClass)
            .orElseThrow(
                () -> new LakeStoreException.Conflict(location.uriOf(key) + " already exists", e));
      }
      throw failure("write", key, e);
    } catch (SdkException e) {
      throw failure("write", key, e);
    }
  }

  /**
   * The SDK retries a PUT whose response was lost; the retry of a conditional PUT then fails
   * against the object the first attempt created. If the object holds exactly what we wrote, the
   * write was ours ("commit state unknown" resolved as success); otherwise someone else's.
   */
  private Optional<ObjectInfo> ownRetriedWrite(
      String key, RequestBody body, long size, StorageClass storageClass) {
    try (InputStream mine = body.contentStreamProvider().newStream()) {
      byte[] ours = mine.readAllBytes();
      byte[] there = read(key);
      if (Arrays.equals(ours, there)) {
        return stat(key);
      }
      return Optional.empty();
    } catch (IOException | LakeStoreException e) {
      return Optional.empty();
    }
  }

  /** Multipart uploads a crash left open (their parts are billed and never listed as objects). */
  @Override
  public List<String> collectStaging(String prefix, Instant olderThan) {
    List<String> aborted = new ArrayList<>();
    try {
      for (MultipartUpload u :
          s3.listMultipartUploadsPaginator(
                  b -> b.bucket(location.bucket()).prefix(objectKey(prefix)))
              .uploads()) {
        if (u.initiated() != null && u.initiated().isBefore(olderThan)) {
          s3.abortMultipartUpload(
              b -> b.bucket(location.bucket()).key(u.key()).uploadId(u.uploadId()));
          aborted.add(u.key() + " (upload " + u.uploadId() + ")");
        }
      }
    } catch (SdkException e) {
      throw failure("list the multipart uploads under", prefix, e);
    }
    return aborted;
  }

  private ObjectInfo multipart(String key, Path content, long size, StorageClass storageClass) {
    String uploadId =
        s3.createMultipartUpload(
                b ->
                    b.bucket(location.bucket())
                        .key(objectKey(key))
                        .storageClass(s3Class(storageClass)))
            .uploadId();
    try (InputStream in = Files.newInputStream(content)) {
      List<CompletedPart> parts = new ArrayList<>();
      long offset = 0;
      for (int number = 1; offset < size; number++) {
        int length = (int) Math.min(config.partSize(), size - offset);
        byte[] part = in.readNBytes(length);
        int n = number;
        String etag =
            s3.uploadPart(
                    b ->
                        b.bucket(location.bucket())
                            .key(objectKey(key))
                            .uploadId(uploadId)
                            .partNumber(n)
                            .contentLength((long) part.length),
                    RequestBody.fromBytes(part))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        offset += length;
      }
      String etag =
          s3.completeMultipartUpload(
                  b ->
                      b.bucket(location.bucket())
                          .key(objectKey(key))
                          .uploadId(uploadId)
                          .multipartUpload(m -> m.parts(parts)))
              .eTag();
      return new ObjectInfo(key, size, etag, Instant.now(), Optional.of(storageClass));
    } catch (IOException | SdkException e) {
      try {
        s3.abortMultipartUpload(
            b -> b.bucket(location.bucket()).key(objectKey(key)).uploadId(uploadId));
      } catch (SdkException abort) {
        e.addSuppressed(abort);
      }
      throw e instanceof SdkException sdk
          ? failure("write", key, sdk)
          : new LakeStoreException(
              "cannot read " + content + " to upload it: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    try {
      HeadObjectResponse head = s3.headObject(b -> b.bucket(location.bucket()).key(objectKey(key)));
      return Optional.of(
          new ObjectInfo(
              key,
              head.contentLength(),
              head.eTag(),
              head.lastModified(),
              Optional.of(storageClass(head.storageClassAsString()))));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw failure("stat", key, e);
    } catch (SdkException e) {
      throw failure("stat", key, e);
    }
  }

  @Override
  public byte[] read(String key) {
    try {
      return s3.getObjectAsBytes(b -> b.bucket(location.bucket()).key(objectKey(key)))
          .asByteArray();
    } catch (NoSuchKeyException e) {
      throw new LakeStoreException.Missing(location.uriOf(key) + " does not exist", e);
    } catch (SdkException e) {
      throw failure("read", key, e);
    }
  }

  @Override
  public byte[] readRange(String key, long offset, int length, Optional<String> expectedEtag) {
    if (length == 0) {
      return new byte[0];
    }
    try {
      return s3.getObjectAsBytes(
              b -> {
                b.bucket(location.bucket())
                    .key(objectKey(key))
                    .range("bytes=" + offset + "-" + (offset + length - 1));
                expectedEtag.ifPresent(b::ifMatch);
              })
          .asByteArray();
    } catch (NoSuchKeyException e) {
      throw new LakeStoreException.Missing(location.uriOf(key) + " does not exist", e);
    } catch (S3Exception e) {
      if (e.statusCode() == 412) {
        throw new LakeStoreException.Conflict(
            location.uriOf(key)
                + " was replaced (ETag "
                + expectedEtag.orElse("")
                + " no longer matches)",
            e);
      }
      if (e.statusCode() == 416) {
        return new byte[0]; // the range starts at or after the end
      }
      throw failure("read", key, e);
    } catch (SdkException e) {
      throw failure("read", key, e);
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    try {
      List<ObjectInfo> out = new ArrayList<>();
      for (S3Object o :
          s3.listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(objectKey(prefix)))
              .contents()) {
        out.add(
            new ObjectInfo(
                lakeKey(o.key()),
                o.size(),
                o.eTag(),
                o.lastModified(),
                Optional.of(storageClass(o.storageClassAsString()))));
      }
      return out; // S3 lists in key order
    } catch (SdkException e) {
      throw failure("list", prefix, e);
    }
  }

  @Override
  public List<String> folders(String prefix) {
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      return LakeStore.super.folders(prefix);
    }
    try {
      String from = objectKey(prefix);
      List<String> out = new ArrayList<>();
      for (CommonPrefix p :
          s3.listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(from).delimiter("/"))
              .commonPrefixes()) {
        String name = p.prefix().substring(from.length());
        out.add(name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
      }
      return out; // S3 lists in key order; a common prefix exists only with an object below it
    } catch (SdkException e) {
      throw failure("list", prefix, e);
    }
  }

  @Override
  public void delete(String key) {
    try {
      s3.deleteObject(b -> b.bucket(location.bucket()).key(objectKey(key)));
    } catch (NoSuchKeyException e) {
      // Already gone.
    } catch (SdkException e) {
      throw failure("delete", key, e);
    }
  }

  @Override
  public boolean supportsStorageClasses() {
    return true;
  }

  /**
   * S3 changes an object's class by copying it onto itself with the new class. The metadata is
   * restated (directive REPLACE) because some S3-compatible servers refuse a self-copy with COPY.
   */
  @Override
  public void changeStorageClass(String key, StorageClass storageClass) {
    try {
      HeadObjectResponse head = s3.headObject(b -> b.bucket(location.bucket()).key(objectKey(key)));
      s3.copyObject(
          b ->
              b.sourceBucket(location.bucket())
                  .sourceKey(objectKey(key))
                  .destinationBucket(location.bucket())
                  .destinationKey(objectKey(key))
                  .storageClass(s3Class(storageClass))
                  .metadataDirective(MetadataDirective.REPLACE)
                  .contentType(head.contentType())
                  .metadata(head.metadata())
                  .copySourceIfMatch(head.eTag()));
    } catch (NoSuchKeyException e) {
      throw new LakeStoreException.Missing(location.uriOf(key) + " does not exist", e);
    } catch (SdkException e) {
      throw failure("change the storage class of", key, e);
    }
  }

  static software.amazon.awssdk.services.s3.model.StorageClass s3Class(StorageClass c) {
    return switch (c) {
      case STANDARD -> software.amazon.awssdk.services.s3.model.StorageClass.STANDARD;
      case COOL -> software.amazon.awssdk.services.s3.model.StorageClass.STANDARD_IA;
      case COLD -> software.amazon.awssdk.services.s3.model.StorageClass.GLACIER_IR;
      case ARCHIVE -> software.amazon.awssdk.services.s3.model.StorageClass.DEEP_ARCHIVE;
    };
  }

  /** S3's class names back to ours; S3 omits the class for STANDARD. */
  static StorageClass storageClass(String s3Class) {
    if (s3Class == null) {
      return StorageClass.STANDARD;
    }
    return switch (s3Class) {
      case "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING" -> StorageClass.COOL;
      case "GLACIER_IR" -> StorageClass.COLD;
      case "GLACIER", "DEEP_ARCHIVE" -> StorageClass.ARCHIVE;
      default -> StorageClass.STANDARD;
    };
  }

  private LakeStoreException failure(String what, String key, SdkException e) {
    return new LakeStoreException(
        "cannot " + what + " " + location.uriOf(key) + ": " + e.getMessage(), e);
  }

  @Override
  public void close() {
    s3.close();
  }
}
