package dev.taidon.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {

  @Test
  void everyCodeRoundTripsThroughItsSlug() {
    for (ErrorCode code : ErrorCode.values()) {
      assertThat(ErrorCode.fromSlug(code.slug())).as("slug %s", code.slug()).isEqualTo(code);
      assertThat(code.slug()).matches("[a-z]+(-[a-z]+)*");
    }
  }

  @Test
  void unknownSlugsBecomeInternalErrors() {
    assertThat(ErrorCode.fromSlug("no-such-code")).isEqualTo(ErrorCode.INTERNAL);
    assertThat(ErrorCode.fromSlug("")).isEqualTo(ErrorCode.INTERNAL);
  }

  @Test
  void everyCodeMapsToAnHttpErrorStatus() {
    List<Integer> statuses = Arrays.stream(ErrorCode.values()).map(ErrorCode::httpStatus).toList();
    assertThat(statuses).allSatisfy(status -> assertThat(status).isBetween(400, 599));
  }
}
