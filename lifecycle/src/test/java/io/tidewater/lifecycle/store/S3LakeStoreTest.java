package io.tidewater.lifecycle.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.lifecycle.store.s3.S3LakeStore;
import io.tidewater.lifecycle.store.s3.S3StoreConfig;
import io.tidewater.policy.StorageClass;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The store contract against s3proxy, through the AWS SDK v2 with path-style addressing and static
 * keys.
 */
class S3LakeStoreTest extends LakeStoreContract {

  private final S3LakeStore store = TestStores.s3();
  private final S3StoreConfig config = TestStores.s3Config();

  @Override
  protected LakeStore store() {
    return store;
  }

  @Override
  protected long partSize() {
    return 5 * S3StoreConfig.MIB;
  }

  /**
   * s3proxy keeps the class given on PUT but ignores it on CopyObject, which is how S3 changes it.
   */
  @Override
  protected StorageClass reportedAfterChange(StorageClass requested) {
    return StorageClass.STANDARD;
  }

  /** A multipart upload a crash left open is aborted once older than the cutoff, not before. */
  @Test
  void openMultipartUploadsACrashLeftAreAborted() {
    LakeLocation.S3 location = (LakeLocation.S3) store.location();
    String key = "staging-" + System.nanoTime() + "/w.parquet";
    String objectKey = location.prefix().isEmpty() ? key : location.prefix() + "/" + key;
    try (S3Client s3 = S3Buckets.client(config)) {
      String upload =
          s3.createMultipartUpload(b -> b.bucket(location.bucket()).key(objectKey)).uploadId();
      String prefix = key.substring(0, key.indexOf('/') + 1);
      assertEquals(List.of(), store.collectStaging(prefix, Instant.now().minusSeconds(3600)));
      assertEquals(
          List.of(objectKey + " (upload " + upload + ")"),
          store.collectStaging(prefix, Instant.now().plusSeconds(60)));
      assertTrue(
          s3.listMultipartUploads(b -> b.bucket(location.bucket()).prefix(objectKey))
              .uploads()
              .isEmpty());
    }
  }

  /**
   * What s3proxy cannot show, checked on the wire: the class change is a self-copy carrying the new
   * class.
   */
  @Test
  void aClassChangeIsASelfCopyWithTheNewClass() {
    List<SdkHttpRequest> sent = new CopyOnWriteArrayList<>();
    ExecutionInterceptor capture =
        new ExecutionInterceptor() {
          @Override
          public void beforeTransmission(
              Context.BeforeTransmission context, ExecutionAttributes attributes) {
            sent.add(context.httpRequest());
          }
        };
    try (S3LakeStore recording =
        new S3LakeStore(
            (LakeLocation.S3) store.location(),
            config,
            ClientOverrideConfiguration.builder().addExecutionInterceptor(capture).build())) {
      recording.put("wire/std", new byte[] {1}, StorageClass.STANDARD);
      recording.changeStorageClass("wire/std", StorageClass.COLD);
    }
    SdkHttpRequest copy =
        sent.stream()
            .filter(r -> r.firstMatchingHeader("x-amz-copy-source").isPresent())
            .findFirst()
            .orElseThrow();
    assertEquals("PUT", copy.method().name());
    assertEquals("/contract/lake/root/wire/std", copy.encodedPath());
    assertEquals(
        Optional.of("contract/lake/root/wire/std"), copy.firstMatchingHeader("x-amz-copy-source"));
    assertEquals(Optional.of("GLACIER_IR"), copy.firstMatchingHeader("x-amz-storage-class"));
    assertEquals(Optional.of("REPLACE"), copy.firstMatchingHeader("x-amz-metadata-directive"));
    assertTrue(
        copy.firstMatchingHeader("x-amz-copy-source-if-match").isPresent(),
        "only the version just seen is copied");
  }
}
