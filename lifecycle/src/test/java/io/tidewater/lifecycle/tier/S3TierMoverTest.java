package io.tidewater.lifecycle.tier;

import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.TestStores;

class S3TierMoverTest extends TierMoverContract {
  @Override
  protected LakeStore store() {
    return TestStores.s3();
  }
}
