package dev.taidon.sqlrunner.internal.wire;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.Optional;

/**
 * A session could not be opened or was lost. Carries the server's message when the server refused
 * (an unknown database, too many connections); without one the connection itself failed.
 */
public final class WireException extends TaidonException {
  private final transient Optional<ServerMessage> serverMessage;

  WireException(String message, Optional<ServerMessage> serverMessage, Throwable cause) {
    super(ErrorCode.SANDBOX_FAILED, message, cause);
    this.serverMessage = serverMessage;
  }

  public Optional<ServerMessage> serverMessage() {
    return serverMessage;
  }
}
