package io.tidewater.lifecycle.lake;

import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.TestStores;

class S3LedgerTest extends LedgerContract {
  @Override
  protected LakeStore store() {
    return TestStores.s3();
  }
}
