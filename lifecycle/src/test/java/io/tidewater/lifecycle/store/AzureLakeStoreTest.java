package io.tidewater.lifecycle.store;

import io.tidewater.lifecycle.store.azure.AzureLakeStore;
import io.tidewater.lifecycle.store.azure.AzureStoreConfig;

/**
 * The store contract against Azurite's Blob API, with an abfss:// location and an account key, the
 * endpoint overridden to Azurite's.
 */
class AzureLakeStoreTest extends LakeStoreContract {

  private final AzureLakeStore store = TestStores.azure();

  @Override
  protected LakeStore store() {
    return store;
  }

  @Override
  protected long partSize() {
    return AzureStoreConfig.MIB;
  }
}
