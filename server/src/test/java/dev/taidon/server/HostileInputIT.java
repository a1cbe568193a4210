package dev.taidon.server;

import dev.taidon.testkit.PlatformPerClass;
import dev.taidon.testkit.ServerProcess;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The hostile-input sweep against the whole platform in one process ({@code --target=all}). */
class HostileInputIT extends HostileInputScenario {
  @RegisterExtension
  static final PlatformPerClass platform = new PlatformPerClass("hostile-input", SETTINGS);

  @Override
  ServerProcess server() {
    return platform.server();
  }

  @Override
  List<ServerProcess> processes() {
    return List.of(platform.server());
  }
}
