package io.tidewater.lifecycle.lake;

import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.TestStores;

class AzureLedgerTest extends LedgerContract {
  @Override
  protected LakeStore store() {
    return TestStores.azure();
  }
}
