package dev.taidon.auditlog;

import java.time.Instant;

/**
 * An event as recorded.
 *
 * @param sequence its position in the log, starting at 1 without gaps
 * @param recordedAt when it was appended (control-database clock)
 * @param event what happened
 * @param previousHash the {@code hash} of entry {@code sequence - 1}, hex; 64 zeros for the first
 * @param hash SHA-256 over the previous hash and this entry's fields, hex
 */
public record AuditEntry(long sequence, Instant recordedAt, AuditEvent event, String previousHash, String hash) {}
