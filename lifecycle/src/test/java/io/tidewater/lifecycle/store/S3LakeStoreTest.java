package io.tidewater.lifecycle.store;

import io.tidewater.lifecycle.store.s3.S3LakeStore;
import io.tidewater.lifecycle.store.s3.S3StoreConfig;
import io.tidewater.testing.S3Server;
import io.tidewater.testing.TestServers;
import io.tidewater.policy.StorageClass;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract against s3proxy, through the AWS SDK v2 with path-style addressing and static keys. */
class S3LakeStoreTest extends LakeStoreContract {

  private static S3LakeStore store;
  private static S3StoreConfig config;

  @BeforeAll
  static void open() {
    S3Server server = TestServers.s3();
    config = new S3StoreConfig(Optional.of(server.endpoint()), true, Optional.of(S3Server.REGION),
        Optional.of(S3Server.ACCESS_KEY), Optional.of(S3Server.SECRET_KEY), 5 * S3StoreConfig.MIB, 5 * S3StoreConfig.MIB);
    S3Buckets.create(config, "contract");
    store = new S3LakeStore((LakeLocation.S3) LakeLocation.parse("s3://contract/lake/root"), config);
  }

  @AfterAll
  static void close() {
    store.close();
  }

  @Override
  protected LakeStore store() {
    return store;
  }

  @Override
  protected long partSize() {
    return 5 * S3StoreConfig.MIB;
  }

  /** s3proxy keeps the class given on PUT but ignores it on CopyObject, which is how S3 changes it. */
  @Override
  protected StorageClass reportedAfterChange(StorageClass requested) {
    return StorageClass.STANDARD;
  }

  /** What s3proxy cannot show, checked on the wire: the class change is a self-copy carrying the new class. */
  @Test
  void aClassChangeIsASelfCopyWithTheNewClass() {
    List<SdkHttpRequest> sent = new CopyOnWriteArrayList<>();
    ExecutionInterceptor capture = new ExecutionInterceptor() {
      @Override
      public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        sent.add(context.httpRequest());
      }
    };
    try (S3LakeStore recording = new S3LakeStore((LakeLocation.S3) store.location(), config,
        ClientOverrideConfiguration.builder().addExecutionInterceptor(capture).build())) {
      recording.put("wire/std", new byte[] {1}, StorageClass.STANDARD);
      recording.changeStorageClass("wire/std", StorageClass.COLD);
    }
    SdkHttpRequest copy = sent.stream().filter(r -> r.firstMatchingHeader("x-amz-copy-source").isPresent())
        .findFirst().orElseThrow();
    assertEquals("PUT", copy.method().name());
    assertEquals("/contract/lake/root/wire/std", copy.encodedPath());
    assertEquals(Optional.of("contract/lake/root/wire/std"), copy.firstMatchingHeader("x-amz-copy-source"));
    assertEquals(Optional.of("GLACIER_IR"), copy.firstMatchingHeader("x-amz-storage-class"));
    assertEquals(Optional.of("REPLACE"), copy.firstMatchingHeader("x-amz-metadata-directive"));
    assertTrue(copy.firstMatchingHeader("x-amz-copy-source-if-match").isPresent(), "only the version just seen is copied");
  }
}
