package dev.taidon.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FieldDigestTest {

  @Test
  void fieldBoundariesChangeTheDigest() {
    assertThat(FieldDigest.sha256(List.of("ab", "c"))).isNotEqualTo(FieldDigest.sha256(List.of("a", "bc")));
    assertThat(FieldDigest.sha256(List.of("", "x"))).isNotEqualTo(FieldDigest.sha256(List.of("x")));
  }

  @Test
  void matchesAnIndependentlyComputedValue() {
    // printf '\0\0\0\x03abc' | sha256sum
    assertThat(FieldDigest.sha256(List.of("abc")))
        .isEqualTo("d04b72a650ce0f8ce4963330a53ee2832733d2baeffff3c1d8e256cca096d120");
  }
}
