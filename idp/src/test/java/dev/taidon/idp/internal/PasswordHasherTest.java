package dev.taidon.idp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHasherTest {
  private final PasswordHasher hasher = new PasswordHasher();

  @Test
  void hashesAreArgon2idPhcStringsWithAFreshSaltEachTime() {
    String first = hasher.hash("correct horse battery staple");
    String second = hasher.hash("correct horse battery staple");
    assertThat(first).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    assertThat(first).as("salted").isNotEqualTo(second);
    assertThat(hasher.matches("correct horse battery staple", first)).isTrue();
    assertThat(hasher.matches("correct horse battery stapl", first)).isFalse();
    assertThat(hasher.matches("", first)).isFalse();
  }

  @Test
  void verifiesAKnownArgon2idVectorMadeWithOtherParameters() {
    // From the reference implementation: echo -n password | argon2 somesalt -id -t 2 -m 16 -p 1 -l 32
    String reference = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
    assertThat(hasher.matches("password", reference)).isTrue();
    assertThat(hasher.matches("Password", reference)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$AAAA$AAAA", "$argon2id$v=19$m=x,t=2,p=1$AAAA$AAAA",
      "$argon2id$v=19$m=19456,t=2,p=1,q=3$AAAA$AAAA", "$argon2id$v=19$m=19456,t=2,p=1$!!!$AAAA"})
  void malformedStoredHashesNeverMatch(String stored) {
    assertThat(hasher.matches("anything", stored)).isFalse();
  }
}
