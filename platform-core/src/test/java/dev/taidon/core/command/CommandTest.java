package dev.taidon.core.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandTest {

  @Test
  void displayQuotesOnlyWhatAShellWouldMisread() {
    Command command = Command.of("initdb", "--pgdata=/var/lib/taidon/x", "-c", "listen_addresses=", "it's", "a b", "");
    assertThat(command.display())
        .isEqualTo("initdb --pgdata=/var/lib/taidon/x -c listen_addresses= 'it'\\''s' 'a b' ''");
  }

  @Test
  void aPrefixRunsTheCommandThroughAnotherProgram() {
    Command command = Command.of("postgres", "-D", "/d").prefixedWith(List.of("setpriv", "--reuid=999", "--"));
    assertThat(command.argv()).containsExactly("setpriv", "--reuid=999", "--", "postgres", "-D", "/d");
    assertThat(Command.of("x").prefixedWith(List.of()).argv()).containsExactly("x");
  }

  @Test
  void refusesEmptyCommandsAndNonPositiveTimeouts() {
    assertThatThrownBy(() -> Command.of(List.of())).hasMessageContaining("needs a program");
    assertThatThrownBy(() -> Command.of("true").withTimeout(Duration.ZERO)).hasMessageContaining("positive");
  }
}
