package dev.taidon.snapshotcache.internal;

import dev.taidon.snapshotcache.StoreBackend;
import dev.taidon.testkit.TestDirectories;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Plain copies on whatever file system the temporary directory is on. */
class CopyStateStoreIT extends StateStoreContract {
  private static Path directory;

  @BeforeAll
  static void create() {
    directory = TestDirectories.create("copy-store");
  }

  @AfterAll
  static void delete() {
    TestDirectories.delete(directory);
  }

  @Override
  protected Path storeRoot() {
    return directory;
  }

  @Override
  protected StoreBackend backend() {
    return StoreBackend.COPY;
  }
}
