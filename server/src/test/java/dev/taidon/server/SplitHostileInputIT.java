package dev.taidon.server;

import dev.taidon.testkit.ServerProcess;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/** The hostile-input sweep against the platform split over two processes ({@link SplitPlatform}). */
class SplitHostileInputIT extends HostileInputScenario {
  private SplitPlatform split;

  /** Started on first use: the scenario's own set-up, which runs before any of a subclass's, needs it. */
  @Override
  ServerProcess server() {
    if (split == null) {
      split = SplitPlatform.start("split-hostile-input", List.of(SETTINGS), List.of(SETTINGS));
    }
    return split.front;
  }

  @Override
  List<ServerProcess> processes() {
    server();
    return List.of(split.front, split.engine);
  }

  @AfterAll
  void stop() {
    if (split != null) {
      split.close();
    }
  }
}
