package dev.taidon.sqlrunner.internal.wire;

import java.util.Optional;

/**
 * How one statement ended.
 *
 * @param commandTag the CommandComplete tag ({@code INSERT 0 3}, {@code CREATE TABLE}); empty for an
 *     empty query or an error
 * @param error the server's error, if the statement failed
 * @param rowsReceived every row the server sent, including those beyond the limits
 * @param truncated whether rows were dropped or values cut because of the limits
 * @param status the transaction status after the statement
 */
public record StatementResult(
    Optional<String> commandTag, Optional<ServerMessage> error, long rowsReceived, boolean truncated,
    TransactionStatus status) {}
