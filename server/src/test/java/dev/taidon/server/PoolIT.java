package dev.taidon.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.remote.RemoteRoleClient;
import dev.taidon.envmanager.Checkpoint;
import dev.taidon.envmanager.EnvManager;
import dev.taidon.envmanager.OwnerKind;
import dev.taidon.envmanager.Presence;
import dev.taidon.envmanager.SandboxId;
import dev.taidon.envmanager.SandboxInfo;
import dev.taidon.snapshotcache.NewState;
import dev.taidon.snapshotcache.StateId;
import dev.taidon.testkit.Await;
import dev.taidon.testkit.PlatformPerClass;
import dev.taidon.testkit.PostgresProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
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
    EnvManager envManager = envManager();
    SandboxInfo author = envManager.createSandbox(owner(), OwnerKind.REGISTERED, envManager.rootState());
    StateId popular = envManager.rootState().child("popular lesson " + UUID.randomUUID(), "");
    envManager.publishState(author.id(), new NewState(popular, Optional.of(envManager.rootState()),
        Optional.of("popular"), 3, Optional.empty(), "public"), Checkpoint.BY_ENV_MANAGER);
    envManager.deleteSandbox(author.id());
    // The author's sandbox came from the root state's pool, whose refill follows; once it is done,
    // only the requests below can start a pool for the new state.
    awaitFullPool(envManager, envManager.rootState());

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

  @Test
  void aResetToAPooledStateHandsTheLearnerAPooledSandboxInsteadOfStartingOne() {
    EnvManager envManager = envManager();
    StateId empty = envManager.rootState();
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "c1", "CREATE TABLE t AS SELECT 1 AS x", "c2", "SELECT count(*) AS n FROM t");
    learner.run(worksheet, "c2");
    SandboxId first = onlySandboxOf(envManager, learner.accountId).id();

    List<SandboxId> pooled = awaitFullPool(envManager, empty);
    Learner.json(learner.post("/api/v1/worksheets/" + worksheet + "/reset", Map.of()), 204);
    SandboxInfo afterReset = onlySandboxOf(envManager, learner.accountId);
    assertThat(pooled).as("the pool's sandboxes at the worksheet's base before the reset, one of which the"
        + " learner should now hold").contains(afterReset.id());
    assertThat(afterReset.state()).isEqualTo(empty);
    assertThatThrownBy(() -> envManager.describeSandbox(first)).as("the sandbox the pooled one replaced")
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    Path replacedData = platform.data().resolve("store/workspaces/" + first.value());
    Await.until("the replaced sandbox's server stopped and its data removed", Duration.ofSeconds(20),
        () -> !Files.exists(replacedData) && PostgresProcesses.servingBelow(replacedData).isEmpty(),
        () -> PostgresProcesses.servingBelow(replacedData));
    JsonNode rerun = learner.run(worksheet, "c2");
    assertThat(Learner.lastStatements(rerun).get(0).at("/rows/0/0").asString())
        .as("the table of cell 1, made again on the sandbox from the pool").isEqualTo("1");

    // An edit of the first cell needs the base again: the save prepares it, from the pool too.
    pooled = awaitFullPool(envManager, empty);
    learner.cells(worksheet, "c1", "CREATE TABLE t AS SELECT generate_series(1, 3) AS x", "c2",
        "SELECT count(*) AS n FROM t");
    JsonNode edited = learner.run(worksheet, "c2");
    assertThat(Learner.lastStatements(edited).get(0).at("/rows/0/0").asString())
        .as("the count after the edit of cell 1").isEqualTo("3");
    assertThat(pooled).as("the pool's sandboxes before the edit, one of which should now serve the worksheet")
        .contains(onlySandboxOf(envManager, learner.accountId).id());
    assertThat(platform.server().get("/actuator/prometheus").body())
        .as("pooled sandboxes given in place of a reset one, for operators")
        .containsPattern("(?m)^taidon_sandbox_pool_claims_total\\{[^}]*use=\"reset\"[^}]*} [1-9]")
        .containsPattern("(?m)^taidon_sandbox_pool_claims_total\\{[^}]*use=\"new\"[^}]*} [1-9]");
    awaitFullPool(envManager, empty);
  }

  @Test
  void onlyALearnersSandboxAtAPooledStateIsReplacedAndTheOwnersQuotaCountsItOnce() {
    EnvManager envManager = envManager();
    StateId empty = envManager.rootState();
    String owner = owner();
    List<SandboxInfo> own = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      own.add(envManager.createSandbox(owner, OwnerKind.ANONYMOUS, empty));
    }
    StateId unpooled = empty.child("a state nobody asked for " + UUID.randomUUID(), "");
    envManager.publishState(own.getFirst().id(), new NewState(unpooled, Optional.of(empty), Optional.of("cell"), 3,
        Optional.empty(), "public"), Checkpoint.BY_ENV_MANAGER);
    assertThat(envManager.replaceFromPool(own.getFirst().id(), unpooled)).as("a replacement at a state without a pool")
        .isEmpty();

    List<SandboxId> pooled = awaitFullPool(envManager, empty);
    assertThat(envManager.replaceFromPool(pooled.getFirst(), empty)).as("a pooled sandbox replaced by another")
        .isEmpty();
    Optional<SandboxId> replacement = envManager.replaceFromPool(own.getFirst().id(), empty);
    assertThat(replacement).as("the replacement of a sandbox of an owner at the anonymous quota of three")
        .isPresent();
    assertThat(envManager.sandboxesOf(owner)).extracting(SandboxInfo::id)
        .containsExactlyInAnyOrder(replacement.get(), own.get(1).id(), own.get(2).id());
    // The pool refills a quarter of a second after a claim at the earliest.
    assertThat(envManager.replaceFromPool(own.get(1).id(), empty))
        .as("a replacement that would take the pool's last sandbox, which is the next new learner's").isEmpty();
    assertThat(envManager.sandboxesOf(owner)).extracting(SandboxInfo::id)
        .containsExactlyInAnyOrder(replacement.get(), own.get(1).id(), own.get(2).id());
    assertThatThrownBy(() -> envManager.replaceFromPool(own.getFirst().id(), empty))
        .as("a replacement of the sandbox already replaced")
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    envManager.sandboxesOf(owner).forEach(sandbox -> envManager.deleteSandbox(sandbox.id()));
  }

  private static EnvManager envManager() {
    return new RemoteRoleClient(PlatformScenario.JSON, TOKEN, Duration.ofSeconds(2),
        Duration.ofSeconds(60)).proxy(EnvManager.class, "env-manager", platform.server().baseUrl());
  }

  private static SandboxInfo onlySandboxOf(EnvManager envManager, String owner) {
    List<SandboxInfo> sandboxes = envManager.sandboxesOf(owner);
    assertThat(sandboxes).as("sandboxes of %s", owner).hasSize(1);
    return sandboxes.getFirst();
  }

  /** Waits until the pool at {@code state} is full and running, and returns its sandboxes. */
  private static List<SandboxId> awaitFullPool(EnvManager envManager, StateId state) {
    java.util.function.Supplier<List<SandboxId>> running = () -> envManager.sandboxesOf("platform").stream()
        .filter(sandbox -> sandbox.presence() == Presence.HOT && sandbox.state().equals(state))
        .map(SandboxInfo::id).toList();
    Await.until("the pool at " + state.shortForm() + " full and running", Duration.ofSeconds(30),
        () -> running.get().size() == 2, () -> envManager.sandboxesOf("platform"));
    return running.get();
  }

  private static String owner() {
    return "account-" + UUID.randomUUID();
  }
}
