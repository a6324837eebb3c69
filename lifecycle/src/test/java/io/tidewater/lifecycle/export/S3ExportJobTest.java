package io.tidewater.lifecycle.export;

import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.TestStores;

class S3ExportJobTest extends ExportJobContract {
  @Override
  protected LakeStore store() {
    return TestStores.s3();
  }
}
