package io.tidewater.lifecycle.export;

import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.TestStores;

class AzureExportJobTest extends ExportJobContract {
  @Override
  protected LakeStore store() {
    return TestStores.azure();
  }
}
