package dev.taidon.sqlrunner;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Optional;

/**
 * The state a worksheet reaches after one cell.
 *
 * @param cellId the cell
 * @param stateId the state's id (base and cells up to this one)
 * @param cached whether a snapshot of the state is stored, so running from here needs no replay
 * @param cachedAt when the snapshot was published
 * @param sizeBytes the snapshot's size on disk, when measured
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record CellState(
    String cellId, String stateId, boolean cached, Optional<Instant> cachedAt, Optional<Long> sizeBytes) {}
