package io.tidewater.lifecycle.store;

import io.tidewater.lifecycle.store.azure.AzureLakeStore;
import io.tidewater.lifecycle.store.azure.AzureStoreConfig;
import io.tidewater.lifecycle.store.local.LocalLakeStore;
import io.tidewater.lifecycle.store.s3.S3LakeStore;
import io.tidewater.lifecycle.store.s3.S3StoreConfig;
import java.util.function.Supplier;

/** Opens the store a lake location names; the settings of the other kinds are never read. */
public final class LakeStores {

  private LakeStores() {}

  public static LakeStore open(
      LakeLocation location, Supplier<S3StoreConfig> s3, Supplier<AzureStoreConfig> azure) {
    if (location instanceof LakeLocation.S3 bucket) {
      return new S3LakeStore(bucket, s3.get());
    }
    if (location instanceof LakeLocation.Azure fileSystem) {
      return new AzureLakeStore(fileSystem, azure.get());
    }
    return new LocalLakeStore((LakeLocation.Local) location);
  }
}
