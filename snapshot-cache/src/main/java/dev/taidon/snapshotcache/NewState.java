package dev.taidon.snapshotcache;

import java.util.Optional;

/**
 * A state about to be published.
 *
 * @param id the state id
 * @param parent the state it was built from; empty for a root
 * @param stepDigest the digest of the step that built it; empty for a root
 * @param buildCostMillis how long building it took
 * @param owner the account that built it; empty for platform states
 * @param visibility {@code private}, {@code shared} or {@code public}
 */
public record NewState(
    StateId id, Optional<StateId> parent, Optional<String> stepDigest, long buildCostMillis, Optional<String> owner,
    String visibility) {

  public static NewState root(StateId id, long buildCostMillis) {
    return new NewState(id, Optional.empty(), Optional.empty(), buildCostMillis, Optional.empty(), "public");
  }
}
