package dev.taidon.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EdgeFilterTest {
  @ParameterizedTest
  @ValueSource(strings = {"actor=%00", "a=1&type=x%00y", "limit=%000", "%00", "x=%%00", "raw=\0"})
  void queryStringsThatDecodeToANulCharacterAreRecognised(String query) {
    assertThat(EdgeFilter.holdsNul(query)).as("query string %s", query).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "limit=100", "a=%2500", "a=%20%30%30", "a=%0", "a=%", "a=100&b=00", "a=%0A"})
  void otherQueryStringsPass(String query) {
    assertThat(EdgeFilter.holdsNul(query)).as("query string %s", query).isFalse();
  }
}
