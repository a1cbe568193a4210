package dev.taidon.snapshotcache.internal;

import dev.taidon.core.command.ProcessCommandRunner;
import java.util.Optional;

/**
 * The btrfs contract once more with subvolumes made by the {@code btrfs} command: the way the
 * platform falls back to where JNA's native part cannot load.
 */
class BtrfsCommandStateStoreIT extends BtrfsStateStoreIT {

  @Override
  protected Optional<Subvolumes> subvolumes() {
    return Optional.of(new CommandSubvolumes(new ProcessCommandRunner()));
  }
}
