package dev.taidon.sqlrunner.internal.wire;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Where a PostgreSQL server listens: a Unix socket file ({@code unix:/run/x/.s.PGSQL.5432}) or a
 * TCP host and port ({@code tcp://host:5432}).
 *
 * @param text the address in one of the two forms above
 */
public record WireAddress(String text) {
  private static final String UNIX = "unix:";
  private static final String TCP = "tcp://";

  public WireAddress {
    if (text == null || !(text.startsWith(UNIX) && text.length() > UNIX.length() || text.startsWith(TCP))) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT,
          "a PostgreSQL address is unix:<socket file> or tcp://<host>:<port>, not '" + text + "'");
    }
  }

  public static WireAddress unixSocket(Path socketFile) {
    return new WireAddress(UNIX + socketFile.toAbsolutePath());
  }

  SocketAddress socketAddress() {
    if (text.startsWith(UNIX)) {
      return UnixDomainSocketAddress.of(text.substring(UNIX.length()));
    }
    String hostPort = text.substring(TCP.length());
    int colon = hostPort.lastIndexOf(':');
    if (colon < 1) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "the address " + text + " has no port");
    }
    return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  SocketChannel open() throws IOException {
    SocketAddress address = socketAddress();
    SocketChannel channel = address instanceof UnixDomainSocketAddress
        ? SocketChannel.open(StandardProtocolFamily.UNIX)
        : SocketChannel.open();
    try {
      channel.connect(address);
      return channel;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
