package io.tidewater.lifecycle.tier;

import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.TestStores;

class LocalTierMoverTest extends TierMoverContract {
  @Override
  protected LakeStore store() {
    return TestStores.local();
  }
}
