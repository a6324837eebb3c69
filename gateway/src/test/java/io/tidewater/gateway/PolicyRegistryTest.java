package io.tidewater.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tidewater.policy.TieringPolicy;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RealServersResource.class)
class PolicyRegistryTest {

  @Inject PolicyRegistry registry;

  @Test
  void theConfiguredPolicyFolderIsLoadedAtStartUp() {
    assertEquals(
        List.of("factory-sensors", "telegraf-cpu"),
        registry.policies().policies().stream().map(TieringPolicy::name).toList());
  }
}
