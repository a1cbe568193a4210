package dev.taidon.userprofile;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.Optional;

/**
 * What a worksheet's first cell runs on: at most one of a built-in dataset, a project's seeded
 * state, or a state id; none means an empty database.
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record WorksheetBase(Optional<String> dataset, Optional<String> project, Optional<String> stateId) {
  public static final WorksheetBase EMPTY = new WorksheetBase(Optional.empty(), Optional.empty(), Optional.empty());

  public WorksheetBase {
    dataset = dataset == null ? Optional.empty() : dataset;
    project = project == null ? Optional.empty() : project;
    stateId = stateId == null ? Optional.empty() : stateId;
    int given = (dataset.isPresent() ? 1 : 0) + (project.isPresent() ? 1 : 0) + (stateId.isPresent() ? 1 : 0);
    if (given > 1) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT,
          "a worksheet's base is one of {dataset}, {project} or {stateId}, not several");
    }
  }

  public static WorksheetBase ofDataset(String dataset) {
    return new WorksheetBase(Optional.of(dataset), Optional.empty(), Optional.empty());
  }

  public static WorksheetBase ofState(String stateId) {
    return new WorksheetBase(Optional.empty(), Optional.empty(), Optional.of(stateId));
  }

  @JsonIgnore
  public boolean isEmptyDatabase() {
    return dataset.isEmpty() && project.isEmpty() && stateId.isEmpty();
  }
}
