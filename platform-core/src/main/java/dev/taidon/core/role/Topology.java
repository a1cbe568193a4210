package dev.taidon.core.role;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where every role runs, seen from one process: the roles started here, and the address of every
 * other role this process knows of.
 *
 * @param graph all roles of the platform
 * @param local the roles running in this process, dependencies first
 * @param remote the base URL of each role that runs elsewhere and is known here
 */
public record Topology(RoleGraph graph, List<String> local, Map<String, URI> remote) {

  public Topology {
    local = List.copyOf(local);
    remote = Map.copyOf(new LinkedHashMap<>(remote));
    for (String name : remote.keySet()) {
      graph.role(name);
      if (local.contains(name)) {
        throw new TaidonException(ErrorCode.INVALID_CONFIGURATION,
            "role " + name + " runs in this process and also has a --role-url; drop one of them");
      }
    }
    Map<String, URI> known = remote;
    List<String> missing = graph.remoteDependencies(local).stream().filter(name -> !known.containsKey(name)).toList();
    if (!missing.isEmpty()) {
      String first = missing.getFirst();
      throw new TaidonException(ErrorCode.INVALID_CONFIGURATION,
          "the roles started here call " + String.join(", ", missing) + ", which neither run in this process nor have "
              + "an address: add them to --target or give --role-url " + first + "=http://HOST:PORT");
    }
  }

  public boolean isLocal(String role) {
    return local.contains(role);
  }

  /** Whether every role of the platform runs in this process. */
  public boolean isAllInOne() {
    return Set.copyOf(local).containsAll(graph.names());
  }
}
