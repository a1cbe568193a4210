package dev.taidon.envmanager;

import dev.taidon.snapshotcache.StateId;
import java.time.Instant;
import java.util.Optional;

/**
 * A sandbox as the platform knows it.
 *
 * @param id the sandbox
 * @param owner the account that owns it
 * @param ownerKind anonymous, registered, or the platform's pool
 * @param presence hot, warm or cold
 * @param state the state its data was last restored to or published as
 * @param createdAt when it was created
 * @param lastUsedAt when it was last opened
 * @param failure why the platform stopped it (for example its disk limit), if it did
 */
public record SandboxInfo(
    SandboxId id, String owner, OwnerKind ownerKind, Presence presence, StateId state, Instant createdAt,
    Instant lastUsedAt, Optional<String> failure) {}
