package dev.taidon.sqlrunner.internal.wire;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One session with a PostgreSQL server over its frontend/backend protocol (version 3.0), speaking
 * exactly what {@code psql} speaks: every statement is one simple Query message, so command tags,
 * notices, errors and transaction behaviour are the server's own, unfiltered by a driver. Values
 * arrive in PostgreSQL's text format and are handed on as text, so nothing loses precision.
 *
 * <p>Only trust authentication is supported: the platform reaches sandboxes through sockets that
 * nobody else can open. One thread executes statements; {@link #cancel} and {@link #abort} may be
 * called from any other thread.
 */
public final class WireSession implements AutoCloseable {
  private static final int PROTOCOL_3_0 = 196_608;
  private static final int CANCEL_REQUEST_CODE = 80_877_102;
  /** Messages other than rows are read whole up to this size; the rest of a longer one is skipped. */
  private static final int MAX_BUFFERED_MESSAGE = 1024 * 1024;
  /** Text of COPY data lines and of every result value. */
  private static final int COPY_TEXT_OID = 25;

  private final WireAddress address;
  private final SocketChannel channel;
  private final DataInputStream in;
  private final DataOutputStream out;
  private final Map<String, String> parameters = new HashMap<>();
  private int backendPid;
  private int secretKey;
  private volatile TransactionStatus status = TransactionStatus.IDLE;
  private volatile boolean open = true;
  private Charset charset = StandardCharsets.UTF_8;

  private WireSession(WireAddress address, SocketChannel channel) {
    this.address = address;
    this.channel = channel;
    this.in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 64 * 1024));
    this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 16 * 1024));
  }

  /**
   * Opens a session as {@code user} on {@code database}, with run-time parameters set in the
   * startup message (they take precedence over role and database defaults).
   *
   * @throws WireException with the server's message when it refuses (unknown database, too many
   *     connections, an unsupported authentication method), or without one when it cannot be reached
   */
  public static WireSession connect(WireAddress address, String user, String database, Map<String, String> startup) {
    SocketChannel channel;
    try {
      channel = address.open();
    } catch (IOException e) {
      throw new WireException("cannot reach PostgreSQL at " + address + ": " + e.getMessage(), Optional.empty(), e);
    }
    WireSession session = new WireSession(address, channel);
    try {
      session.startup(user, database, startup);
      return session;
    } catch (IOException e) {
      session.abort();
      throw new WireException("PostgreSQL at " + address + " closed the connection during start-up: " + e.getMessage(),
          Optional.empty(), e);
    } catch (RuntimeException e) {
      session.abort();
      throw e;
    }
  }

  private void startup(String user, String database, Map<String, String> startup) throws IOException {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("user", user);
    all.put("database", database);
    all.put("client_encoding", "UTF8");
    all.putAll(startup);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream fields = new DataOutputStream(body);
    fields.writeInt(PROTOCOL_3_0);
    for (Map.Entry<String, String> entry : all.entrySet()) {
      writeCString(fields, entry.getKey());
      writeCString(fields, entry.getValue());
    }
    fields.writeByte(0);
    out.writeInt(body.size() + 4);
    body.writeTo(out);
    out.flush();
    while (true) {
      byte type = in.readByte();
      int length = in.readInt() - 4;
      switch (type) {
        case 'R' -> {
          byte[] payload = readMessage(length);
          int method = ByteBuffer.wrap(payload).getInt();
          if (method != 0) {
            throw new WireException("PostgreSQL at " + address + " asks for authentication method " + method
                + "; the runner only connects to servers that trust its socket", Optional.empty(), null);
          }
        }
        case 'K' -> {
          byte[] payload = readMessage(length);
          ByteBuffer key = ByteBuffer.wrap(payload);
          backendPid = key.getInt();
          secretKey = key.getInt();
        }
        case 'S' -> parameterStatus(readMessage(length), null);
        case 'N', 'v' -> readMessage(length);
        case 'E' -> {
          ServerMessage error = ServerMessage.of(fields(readMessage(length)));
          throw new WireException("PostgreSQL refused the session: " + error.message(), Optional.of(error), null);
        }
        case 'Z' -> {
          status = TransactionStatus.of(in.readByte());
          return;
        }
        default -> throw protocolViolation(type);
      }
    }
  }

  /**
   * Runs one statement with the simple Query protocol and reports its outcome to {@code listener}.
   * For {@code COPY … FROM STDIN} the server is sent {@code copyData} (lines without line ends).
   * The whole result is read whatever the limits, so a statement's effects never depend on them.
   *
   * @return how the statement ended; a server error is a result, not an exception
   * @throws WireException when the connection is lost (the server died, or {@link #abort} was called)
   */
  public StatementResult execute(String sql, List<String> copyData, ResultListener listener, ResultLimits limits) {
    requireOpen();
    try {
      byte[] text = sql.getBytes(charset);
      out.writeByte('Q');
      out.writeInt(4 + text.length + 1);
      out.write(text);
      out.writeByte(0);
      out.flush();
      return readResult(copyData, listener, limits);
    } catch (IOException e) {
      open = false;
      abort();
      throw new WireException("the connection to PostgreSQL at " + address + " was lost: " + describe(e),
          Optional.empty(), e);
    }
  }

  private StatementResult readResult(List<String> copyData, ResultListener listener, ResultLimits limits)
      throws IOException {
    Optional<String> tag = Optional.empty();
    Optional<ServerMessage> error = Optional.empty();
    RowBudget budget = new RowBudget(limits);
    while (true) {
      byte type;
      try {
        type = in.readByte();
      } catch (EOFException e) {
        if (error.isPresent()) {
          // A FATAL error (the server shutting down, an idle transaction timed out) ends the session.
          open = false;
          abort();
          return new StatementResult(tag, error, budget.received, budget.truncated, TransactionStatus.IDLE);
        }
        throw e;
      }
      int length = in.readInt() - 4;
      switch (type) {
        case 'T' -> {
          budget.startResult();
          listener.columns(rowDescription(readMessage(length)));
        }
        case 'D' -> dataRow(length, listener, budget);
        case 'C' -> {
          byte[] payload = readMessage(length);
          tag = Optional.of(new String(payload, 0, Math.max(0, payload.length - 1), charset));
        }
        case 'I' -> readMessage(length);
        case 'E' -> error = Optional.of(ServerMessage.of(fields(readMessage(length))));
        case 'N' -> listener.notice(ServerMessage.of(fields(readMessage(length))));
        case 'A' -> listener.notice(notification(readMessage(length)));
        case 'S' -> parameterStatus(readMessage(length), listener);
        case 'G' -> {
          readMessage(length);
          sendCopyData(copyData);
        }
        case 'H' -> {
          readMessage(length);
          budget.startResult();
          listener.columns(List.of(new WireColumn("COPY", COPY_TEXT_OID, -1)));
        }
        case 'd' -> copyLine(length, listener, budget);
        case 'c' -> readMessage(length);
        case 'Z' -> {
          status = TransactionStatus.of(in.readByte());
          return new StatementResult(tag, error, budget.received, budget.truncated, status);
        }
        default -> throw protocolViolation(type);
      }
    }
  }

  private void sendCopyData(List<String> copyData) throws IOException {
    if (copyData == null) {
      byte[] reason = "no COPY data follows the statement: in a script, put the data lines after it and end them with \\."
          .getBytes(charset);
      out.writeByte('f');
      out.writeInt(4 + reason.length + 1);
      out.write(reason);
      out.writeByte(0);
      out.flush();
      return;
    }
    for (String line : copyData) {
      byte[] bytes = (line + "\n").getBytes(charset);
      out.writeByte('d');
      out.writeInt(4 + bytes.length);
      out.write(bytes);
    }
    out.writeByte('c');
    out.writeInt(4);
    out.flush();
  }

  private void dataRow(int length, ResultListener listener, RowBudget budget) throws IOException {
    budget.received++;
    if (!budget.acceptsRow()) {
      budget.truncated = true;
      in.skipNBytes(length);
      return;
    }
    int columns = in.readUnsignedShort();
    int remaining = length - 2;
    List<String> values = new ArrayList<>(columns);
    boolean cut = false;
    for (int i = 0; i < columns; i++) {
      int size = in.readInt();
      remaining -= 4;
      if (size < 0) {
        values.add(null);
        continue;
      }
      int take = budget.take(size);
      values.add(decode(in.readNBytes(take), take < size));
      in.skipNBytes(size - take);
      remaining -= size;
      cut |= take < size;
    }
    if (remaining != 0) {
      throw new IOException("a DataRow message's length disagrees with its fields");
    }
    budget.delivered++;
    budget.truncated |= cut;
    listener.row(Collections.unmodifiableList(values), cut);
  }

  private void copyLine(int length, ResultListener listener, RowBudget budget) throws IOException {
    budget.received++;
    if (!budget.acceptsRow()) {
      budget.truncated = true;
      in.skipNBytes(length);
      return;
    }
    int take = budget.take(length);
    byte[] bytes = in.readNBytes(take);
    in.skipNBytes(length - take);
    int end = bytes.length;
    if (take == length && end > 0 && bytes[end - 1] == '\n') {
      end--;
    }
    String line = decode(java.util.Arrays.copyOf(bytes, end), take < length);
    budget.delivered++;
    budget.truncated |= take < length;
    listener.row(List.of(line), take < length);
  }

  /** Text of a value; a value cut by the limits is cut back to a whole character. */
  private String decode(byte[] bytes, boolean cut) {
    int end = bytes.length;
    if (cut && charset.equals(StandardCharsets.UTF_8)) {
      while (end > 0 && (bytes[end - 1] & 0xC0) == 0x80) {
        end--;
      }
      if (end > 0 && (bytes[end - 1] & 0x80) != 0) {
        end--;
      }
    }
    return new String(bytes, 0, end, charset);
  }

  private List<WireColumn> rowDescription(byte[] payload) {
    ByteBuffer buffer = ByteBuffer.wrap(payload);
    int count = Short.toUnsignedInt(buffer.getShort());
    List<WireColumn> columns = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String name = readCString(buffer);
      buffer.getInt(); // table oid
      buffer.getShort(); // column number
      int typeOid = buffer.getInt();
      buffer.getShort(); // type size
      int typeModifier = buffer.getInt();
      buffer.getShort(); // format code: always text for simple queries
      columns.add(new WireColumn(name, typeOid, typeModifier));
    }
    return List.copyOf(columns);
  }

  private ServerMessage notification(byte[] payload) {
    ByteBuffer buffer = ByteBuffer.wrap(payload);
    int pid = buffer.getInt();
    String channelName = readCString(buffer);
    String extra = readCString(buffer);
    // The wording psql prints for a notification.
    String message = "Asynchronous notification \"" + channelName + "\""
        + (extra.isEmpty() ? "" : " with payload \"" + extra + "\"") + " received from server process with PID " + pid
        + ".";
    return new ServerMessage("NOTIFY", "00000", message, Optional.empty(), Optional.empty(), 0, Optional.empty());
  }

  private void parameterStatus(byte[] payload, ResultListener listener) {
    ByteBuffer buffer = ByteBuffer.wrap(payload);
    String name = readCString(buffer);
    String value = readCString(buffer);
    parameters.put(name, value);
    if (name.equals("client_encoding")) {
      charset = javaCharset(value);
    }
    if (listener != null) {
      listener.parameter(name, value);
    }
  }

  private static Charset javaCharset(String postgresEncoding) {
    return switch (postgresEncoding.toUpperCase(java.util.Locale.ROOT)) {
      case "UTF8", "UNICODE" -> StandardCharsets.UTF_8;
      case "SQL_ASCII" -> StandardCharsets.US_ASCII;
      case "LATIN1" -> StandardCharsets.ISO_8859_1;
      default -> {
        String candidate = postgresEncoding.replace("WIN", "windows-").replace("LATIN", "ISO-8859-");
        yield Charset.isSupported(candidate) ? Charset.forName(candidate) : StandardCharsets.UTF_8;
      }
    };
  }

  private Map<Character, String> fields(byte[] payload) {
    Map<Character, String> fields = new HashMap<>();
    int index = 0;
    while (index < payload.length && payload[index] != 0) {
      char code = (char) payload[index++];
      int end = index;
      while (end < payload.length && payload[end] != 0) {
        end++;
      }
      fields.put(code, new String(payload, index, end - index, charset));
      index = end + 1;
    }
    return fields;
  }

  /** The message body; of a body longer than {@link #MAX_BUFFERED_MESSAGE}, its beginning (the rest is skipped). */
  private byte[] readMessage(int length) throws IOException {
    if (length < 0) {
      throw new IOException("a message with negative length " + length);
    }
    int keep = Math.min(length, MAX_BUFFERED_MESSAGE);
    byte[] payload = in.readNBytes(keep);
    if (payload.length < keep) {
      throw new EOFException();
    }
    in.skipNBytes(length - keep);
    return payload;
  }

  private String readCString(ByteBuffer buffer) {
    int start = buffer.position();
    int end = start;
    while (end < buffer.limit() && buffer.get(end) != 0) {
      end++;
    }
    String text = new String(buffer.array(), start, end - start, charset);
    buffer.position(Math.min(buffer.limit(), end + 1));
    return text;
  }

  private static void writeCString(DataOutputStream stream, String text) throws IOException {
    stream.write(text.getBytes(StandardCharsets.UTF_8));
    stream.writeByte(0);
  }

  /**
   * Checks that the session still answers (one Sync round trip), so a server stopped underneath it
   * is noticed before a statement is sent.
   */
  public boolean isAlive() {
    if (!open) {
      return false;
    }
    try {
      out.writeByte('S');
      out.writeInt(4);
      out.flush();
      while (true) {
        byte type = in.readByte();
        int length = in.readInt() - 4;
        if (type == 'Z') {
          status = TransactionStatus.of(in.readByte());
          return true;
        }
        byte[] payload = readMessage(length);
        if (type == 'S') {
          parameterStatus(payload, null);
        }
      }
    } catch (IOException e) {
      open = false;
      abort();
      return false;
    }
  }

  /**
   * Asks the server to cancel whatever this session runs, on a connection of its own (the
   * protocol's CancelRequest). Harmless when nothing runs; the statement, if any, fails with
   * SQLSTATE 57014.
   */
  public void cancel() {
    try (SocketChannel side = address.open()) {
      ByteBuffer request = ByteBuffer.allocate(16);
      request.putInt(16).putInt(CANCEL_REQUEST_CODE).putInt(backendPid).putInt(secretKey).flip();
      while (request.hasRemaining()) {
        side.write(request);
      }
      // The server closes the connection once it has read the request.
      side.read(ByteBuffer.allocate(1));
    } catch (IOException e) {
      // The server is gone; there is nothing left to cancel.
    }
  }

  /** Closes the connection at once, from any thread; a statement being read fails with a {@link WireException}. */
  public void abort() {
    open = false;
    try {
      channel.close();
    } catch (IOException ignored) {
      // Closing a socket that is already broken.
    }
  }

  public boolean isOpen() {
    return open && channel.isOpen();
  }

  public TransactionStatus transactionStatus() {
    return status;
  }

  /** A run-time parameter the server reported ({@code server_version}, {@code TimeZone}, …). */
  public Optional<String> parameter(String name) {
    return Optional.ofNullable(parameters.get(name));
  }

  public int backendPid() {
    return backendPid;
  }

  /** Ends the session politely (Terminate), then closes the connection. */
  @Override
  public void close() {
    if (open && channel.isOpen()) {
      try {
        out.writeByte('X');
        out.writeInt(4);
        out.flush();
      } catch (IOException ignored) {
        // The connection is already gone.
      }
    }
    abort();
  }

  private void requireOpen() {
    if (!isOpen()) {
      throw new WireException("the session with PostgreSQL at " + address + " is closed", Optional.empty(), null);
    }
  }

  private static IOException protocolViolation(byte type) {
    return new IOException("unexpected message type '" + (char) type + "' from the server");
  }

  private static String describe(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** What of the current result still fits the limits. */
  private static final class RowBudget {
    private final ResultLimits limits;
    private long received;
    private long delivered;
    private long bytes;
    private boolean truncated;

    RowBudget(ResultLimits limits) {
      this.limits = limits;
    }

    void startResult() {
      delivered = 0;
      bytes = 0;
    }

    boolean acceptsRow() {
      return delivered < limits.maxRows() && bytes < limits.maxBytes();
    }

    /** How many of a value's {@code size} bytes to hand on. */
    int take(int size) {
      long allowed = Math.min(limits.maxValueBytes(), limits.maxBytes() - bytes);
      int take = (int) Math.max(0, Math.min(size, allowed));
      bytes += take;
      return take;
    }
  }
}
