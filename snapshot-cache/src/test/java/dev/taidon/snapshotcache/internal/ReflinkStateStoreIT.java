package dev.taidon.snapshotcache.internal;

import dev.taidon.snapshotcache.StoreBackend;
import dev.taidon.testkit.LoopFileSystem;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Reflink clones on XFS with {@code reflink=1}. */
class ReflinkStateStoreIT extends StateStoreContract {
  private static LoopFileSystem fileSystem;

  @BeforeAll
  static void mount() {
    fileSystem = LoopFileSystem.xfs(400);
  }

  @AfterAll
  static void unmount() {
    fileSystem.close();
  }

  @Override
  protected Path storeRoot() {
    return fileSystem.root();
  }

  @Override
  protected StoreBackend backend() {
    return StoreBackend.REFLINK;
  }
}
