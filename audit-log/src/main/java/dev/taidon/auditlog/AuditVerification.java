package dev.taidon.auditlog;

import java.util.Optional;

/**
 * The result of checking the whole audit chain.
 *
 * @param entries how many entries were checked
 * @param firstBroken the sequence number of the first entry whose link or hash does not hold
 * @param problem what is wrong with it
 */
public record AuditVerification(long entries, Optional<Long> firstBroken, Optional<String> problem) {

  public boolean intact() {
    return firstBroken.isEmpty();
  }
}
