package dev.taidon.idp.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string format
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}), with OWASP's minimum parameters: memory-hard,
 * so guessing on GPUs costs memory, not only time. Parameters travel with each hash, so raising them
 * later keeps old hashes verifiable.
 */
final class PasswordHasher {
  static final int MEMORY_KIB = 19_456;
  static final int ITERATIONS = 2;
  static final int PARALLELISM = 1;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] hash = argon2(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
    return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$" + B64.encodeToString(salt)
        + "$" + B64.encodeToString(hash);
  }

  /** Whether the password matches; a malformed stored hash never matches. */
  boolean matches(String password, String stored) {
    String[] parts = stored.split("\\$");
    if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
      return false;
    }
    try {
      int memory = 0;
      int iterations = 0;
      int parallelism = 0;
      for (String parameter : parts[3].split(",")) {
        String[] pair = parameter.split("=");
        int value = Integer.parseInt(pair[1]);
        switch (pair[0]) {
          case "m" -> memory = value;
          case "t" -> iterations = value;
          case "p" -> parallelism = value;
          default -> {
            return false;
          }
        }
      }
      byte[] salt = B64D.decode(parts[4]);
      byte[] expected = B64D.decode(parts[5]);
      return MessageDigest.isEqual(expected, argon2(password, salt, memory, iterations, parallelism, expected.length));
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      return false;
    }
  }

  private static byte[] argon2(String password, byte[] salt, int memory, int iterations, int parallelism, int length) {
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withSalt(salt).withMemoryAsKB(memory).withIterations(iterations).withParallelism(parallelism).build());
    byte[] out = new byte[length];
    generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}
