package dev.taidon.snapshotcache;

import java.time.Instant;
import java.util.Optional;

/**
 * What the state tree knows of one state.
 *
 * @param id the state
 * @param parent the state it was built from; empty for a root
 * @param snapshot whether its snapshot is stored (a state stays known after eviction)
 * @param sizeBytes disk space of the snapshot, counting shared blocks; 0 until measured (just after
 *     publishing)
 * @param buildCostMillis how long building it from its parent took: what eviction would cost
 * @param createdAt when it was first published
 * @param lastUsedAt when a sandbox last started from it
 * @param useCount how many times sandboxes started from it
 * @param pins how many pins protect it from eviction
 * @param owner the account that built it; empty for platform states (datasets, lesson bases)
 * @param visibility who may start from it: {@code private}, {@code shared} or {@code public}
 */
public record StateInfo(
    StateId id,
    Optional<StateId> parent,
    boolean snapshot,
    long sizeBytes,
    long buildCostMillis,
    Instant createdAt,
    Instant lastUsedAt,
    long useCount,
    int pins,
    Optional<String> owner,
    String visibility) {}
