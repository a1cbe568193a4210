package dev.taidon.auditlog.internal;

import dev.taidon.auditlog.AuditEvent;
import dev.taidon.core.FieldDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The hash that links audit entries: a {@link FieldDigest} of the previous hash and the entry. */
final class AuditChain {
  /** The previous hash of the first entry. */
  static final String GENESIS = "0".repeat(64);

  private AuditChain() {}

  static String hash(String previousHash, long sequence, Instant recordedAt, AuditEvent event) {
    List<String> fields = new ArrayList<>(List.of(previousHash, Long.toString(sequence), recordedAt.toString(),
        event.type(), event.actor(), Integer.toString(event.attributes().size())));
    for (Map.Entry<String, String> attribute : new TreeMap<>(event.attributes()).entrySet()) {
      fields.add(attribute.getKey());
      fields.add(attribute.getValue());
    }
    return FieldDigest.sha256(fields);
  }
}
