package dev.taidon.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 over a list of text fields, each prefixed with its length in UTF-8 bytes, so that no two
 * different lists encode to the same bytes ({@code ["ab","c"]} and {@code ["a","bc"]} differ). The
 * platform's content hashes (state ids, audit chain links) are all of this form.
 */
public final class FieldDigest {
  private FieldDigest() {}

  /** The lower-case hex SHA-256 of the length-prefixed fields. */
  public static String sha256(List<String> fields) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String field : fields) {
        byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        digest.update(bytes);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
