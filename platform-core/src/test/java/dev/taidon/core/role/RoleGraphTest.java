package dev.taidon.core.role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoleGraphTest {
  private static RoleModule role(String name, Set<String> dependsOn) {
    return new RoleModule(name, "test role " + name, dependsOn, Object.class, List.of(), Optional.empty());
  }

  // Declared out of dependency order on purpose: the graph must sort them.
  private final RoleGraph graph = new RoleGraph(List.of(
      role("gateway", Set.of("runner", "audit")),
      role("audit", Set.of()),
      role("runner", Set.of("audit"))));

  @Test
  void ordersRolesSoThatDependenciesComeFirst() {
    assertThat(graph.names()).as("dependency order").containsExactly("audit", "runner", "gateway");
  }

  @Test
  void allSelectsEveryRoleInDependencyOrder() {
    assertThat(graph.select("all")).extracting(RoleModule::name).containsExactly("audit", "runner", "gateway");
  }

  @Test
  void aListSelectsThoseRolesInDependencyOrderWhateverOrderTheyAreGiven() {
    assertThat(graph.select(" gateway , audit")).extracting(RoleModule::name).containsExactly("audit", "gateway");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "gateway,", "nope", "all,nope", "GATEWAY", "gateway;runner"})
  void refusesTargetsThatNameNoKnownRole(String target) {
    assertThatThrownBy(() -> graph.select(target))
        .isInstanceOf(TaidonException.class)
        .satisfies(e -> assertThat(((TaidonException) e).code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessageContaining("audit, runner, gateway");
  }

  @Test
  void refusesCycles() {
    assertThatThrownBy(() -> new RoleGraph(List.of(role("a", Set.of("b")), role("b", Set.of("a")))))
        .hasMessageContaining("cycle").hasMessageContaining("a").hasMessageContaining("b");
  }

  @Test
  void refusesUnknownDependenciesAndDuplicateNames() {
    assertThatThrownBy(() -> new RoleGraph(List.of(role("a", Set.of("ghost")))))
        .hasMessageContaining("unknown role ghost");
    assertThatThrownBy(() -> new RoleGraph(List.of(role("a", Set.of()), role("a", Set.of()))))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> new RoleGraph(List.of(role("all", Set.of()))))
        .hasMessageContaining("invalid role name");
  }

  @Test
  void remoteDependenciesAreWhatLocalRolesCallButDoNotRun() {
    assertThat(graph.remoteDependencies(List.of("gateway"))).containsExactly("audit", "runner");
    assertThat(graph.remoteDependencies(List.of("audit", "runner", "gateway"))).isEmpty();
  }

  @Test
  void describeListsEveryRoleWithItsDependencies() {
    assertThat(graph.describe())
        .contains("gateway  depends on: audit, runner")
        .contains("audit    depends on: -")
        .contains("test role runner");
  }

  @Test
  void aTopologyNeedsAnAddressForEveryRoleItCallsButDoesNotRun() {
    assertThatThrownBy(() -> new Topology(graph, List.of("gateway"), Map.of("audit", URI.create("http://a:1"))))
        .isInstanceOf(TaidonException.class)
        .hasMessageContaining("runner")
        .hasMessageContaining("--role-url runner=");
    Topology split = new Topology(graph, List.of("gateway"),
        Map.of("audit", URI.create("http://a:1"), "runner", URI.create("http://b:2")));
    assertThat(split.isAllInOne()).isFalse();
    assertThat(new Topology(graph, graph.names(), Map.of()).isAllInOne()).isTrue();
  }

  @Test
  void aTopologyRefusesAnAddressForARoleThatRunsLocally() {
    assertThatThrownBy(() -> new Topology(graph, List.of("audit"), Map.of("audit", URI.create("http://a:1"))))
        .hasMessageContaining("runs in this process and also has a --role-url");
  }
}
