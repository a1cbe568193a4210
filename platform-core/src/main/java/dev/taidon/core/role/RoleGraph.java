package dev.taidon.core.role;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * All roles known to the platform and the dependencies between them, in a dependency order that
 * is stable: among roles whose dependencies are met, the one declared first comes first.
 */
public final class RoleGraph {
  /** The target that selects every role. */
  public static final String ALL = "all";

  private static final Pattern ROLE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");

  private final Map<String, RoleModule> ordered;

  public RoleGraph(List<? extends RoleModule> roles) {
    Map<String, RoleModule> byName = new LinkedHashMap<>();
    for (RoleModule role : roles) {
      if (!ROLE_NAME.matcher(role.name()).matches() || ALL.equals(role.name())) {
        throw new IllegalArgumentException("invalid role name: " + role.name());
      }
      if (byName.put(role.name(), role) != null) {
        throw new IllegalArgumentException("role declared twice: " + role.name());
      }
    }
    for (RoleModule role : byName.values()) {
      for (String dependency : role.dependsOn()) {
        if (!byName.containsKey(dependency)) {
          throw new IllegalArgumentException("role " + role.name() + " depends on unknown role " + dependency);
        }
      }
    }
    this.ordered = dependencyOrder(byName);
  }

  private static Map<String, RoleModule> dependencyOrder(Map<String, RoleModule> byName) {
    Map<String, RoleModule> ordered = new LinkedHashMap<>();
    while (ordered.size() < byName.size()) {
      RoleModule next = byName.values().stream()
          .filter(role -> !ordered.containsKey(role.name()))
          .filter(role -> ordered.keySet().containsAll(role.dependsOn()))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException(
              "roles depend on each other in a cycle: " + remaining(byName, ordered)));
      ordered.put(next.name(), next);
    }
    return ordered;
  }

  private static Set<String> remaining(Map<String, RoleModule> all, Map<String, RoleModule> done) {
    Set<String> left = new LinkedHashSet<>(all.keySet());
    left.removeAll(done.keySet());
    return left;
  }

  /** Every role, dependencies first. */
  public List<RoleModule> roles() {
    return List.copyOf(ordered.values());
  }

  public List<String> names() {
    return List.copyOf(ordered.keySet());
  }

  public RoleModule role(String name) {
    RoleModule role = ordered.get(name);
    if (role == null) {
      throw unknownRole(name);
    }
    return role;
  }

  /**
   * The roles a {@code --target} value selects, dependencies first. The value is {@code all} or a
   * comma-separated list of role names; blanks around names are ignored.
   *
   * @throws TaidonException with {@link ErrorCode#INVALID_CONFIGURATION} naming the known roles
   *     when the value is empty or names an unknown role
   */
  public List<RoleModule> select(String target) {
    if (target == null || target.isBlank()) {
      throw new TaidonException(ErrorCode.INVALID_CONFIGURATION,
          "--target is empty: give 'all' or a comma-separated list of roles (" + String.join(", ", names()) + ")");
    }
    Set<String> wanted = new LinkedHashSet<>();
    for (String part : target.split(",", -1)) {
      String name = part.strip();
      if (name.equals(ALL)) {
        wanted.addAll(ordered.keySet());
      } else if (ordered.containsKey(name)) {
        wanted.add(name);
      } else {
        throw unknownRole(name);
      }
    }
    return ordered.values().stream().filter(role -> wanted.contains(role.name())).toList();
  }

  /** The roles that the given local roles call but that do not run locally, in dependency order. */
  public List<String> remoteDependencies(Collection<String> localRoles) {
    Set<String> needed = new LinkedHashSet<>();
    for (String name : localRoles) {
      needed.addAll(role(name).dependsOn());
    }
    needed.removeAll(localRoles);
    return ordered.keySet().stream().filter(needed::contains).toList();
  }

  /** A table of the roles and what each depends on, for {@code --list-targets}. */
  public String describe() {
    int width = ordered.keySet().stream().mapToInt(String::length).max().orElse(0);
    StringBuilder out = new StringBuilder();
    for (RoleModule role : ordered.values()) {
      String dependencies = role.dependsOn().isEmpty() ? "-" : String.join(", ", dependencyOrdered(role.dependsOn()));
      out.append(String.format("%-" + width + "s  depends on: %s%n", role.name(), dependencies));
      out.append(String.format("%-" + width + "s  %s%n", "", role.description()));
    }
    return out.toString();
  }

  private List<String> dependencyOrdered(Set<String> names) {
    return ordered.keySet().stream().filter(names::contains).toList();
  }

  private TaidonException unknownRole(String name) {
    List<String> known = new ArrayList<>(ordered.keySet());
    known.add(ALL);
    return new TaidonException(ErrorCode.INVALID_CONFIGURATION,
        "unknown role '" + name + "' in --target; known roles: " + String.join(", ", known));
  }

  @Override
  public String toString() {
    return "RoleGraph" + Arrays.toString(ordered.keySet().toArray());
  }
}
