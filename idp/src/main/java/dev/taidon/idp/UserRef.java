package dev.taidon.idp;

/**
 * Who a token speaks for.
 *
 * @param id the account id
 * @param kind anonymous or registered
 */
public record UserRef(String id, AccountKind kind) {}
