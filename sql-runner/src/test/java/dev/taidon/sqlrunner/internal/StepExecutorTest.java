package dev.taidon.sqlrunner.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StepExecutorTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(nullValues = "none", value = {
      "INSERT 0 3, 3", "SELECT 12, 12", "UPDATE 0, 0", "DELETE 7, 7", "MERGE 2, 2", "COPY 4, 4", "FETCH 1, 1",
      "MOVE 5, 5", "CREATE TABLE, none", "BEGIN, none", "DO, none", "SELECT, 0"})
  void theRowCountIsTheNumberInTagsThatCountRows(String tag, Long expected) {
    assertThat(StepExecutor.rowCount(tag)).isEqualTo(Optional.ofNullable(expected));
  }
}
