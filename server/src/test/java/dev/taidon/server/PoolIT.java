package dev.taidon.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.core.remote.RemoteRoleClient;
import dev.taidon.envmanager.Checkpoint;
import dev.taidon.envmanager.EnvManager;
import dev.taidon.envmanager.OwnerKind;
import dev.taidon.envmanager.Presence;
import dev.taidon.envmanager.SandboxInfo;
import dev.taidon.snapshotcache.NewState;
import dev.taidon.snapshotcache.StateId;
import dev.taidon.testkit.Await;
import dev.taidon.testkit.PlatformPerClass;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The warm pool follows demand by itself, without waiting for upkeep: its pass is ten minutes
 * away here, so whatever this test sees the requests themselves did.
 */
class PoolIT {
  static final String TOKEN = "pool-internal-token-0123456789abcdefg";

  @RegisterExtension
  static final PlatformPerClass platform = new PlatformPerClass("pool", "--internal-token=" + TOKEN,
      "--taidon.sandbox.maintenance-interval=10m", "--taidon.runner.prebuild-datasets=false");

  @Test
  void aStateAskedForTwiceGetsAPoolOfItsOwnAtOnce() {
    EnvManager envManager = new RemoteRoleClient(PlatformScenario.JSON, TOKEN, Duration.ofSeconds(2),
        Duration.ofSeconds(60)).proxy(EnvManager.class, "env-manager", platform.server().baseUrl());
    SandboxInfo author = envManager.createSandbox(owner(), OwnerKind.REGISTERED, envManager.rootState());
    StateId popular = envManager.rootState().child("popular lesson " + UUID.randomUUID(), "");
    envManager.publishState(author.id(), new NewState(popular, Optional.of(envManager.rootState()),
        Optional.of("popular"), 3, Optional.empty(), "public"), Checkpoint.BY_ENV_MANAGER);
    envManager.deleteSandbox(author.id());
    // The author's sandbox came from the root state's pool, whose refill follows; once it is done,
    // only the requests below can start a pool for the new state.
    Await.until("the root state's pool full again", Duration.ofSeconds(20),
        () -> envManager.sandboxesOf("platform").stream().filter(sandbox -> sandbox.presence() == Presence.HOT
            && sandbox.state().equals(envManager.rootState())).count() == 2, () -> envManager.sandboxesOf("platform"));

    for (int i = 0; i < 2; i++) {
      envManager.deleteSandbox(envManager.createSandbox(owner(), OwnerKind.ANONYMOUS, popular).id());
    }

    Await.until("a pool for the state asked for twice, long before the next upkeep", Duration.ofSeconds(20),
        () -> envManager.sandboxesOf("platform").stream()
            .anyMatch(sandbox -> sandbox.state().equals(popular) && sandbox.presence() == Presence.HOT),
        () -> envManager.sandboxesOf("platform"));
    Instant asked = Instant.now();
    SandboxInfo learner = envManager.createSandbox(owner(), OwnerKind.ANONYMOUS, popular);
    assertThat(learner.createdAt()).as("the third learner's sandbox, handed out from the pool").isBefore(asked);
    envManager.deleteSandbox(learner.id());
  }

  private static String owner() {
    return "account-" + UUID.randomUUID();
  }
}
