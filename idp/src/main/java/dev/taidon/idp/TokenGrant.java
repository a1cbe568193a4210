package dev.taidon.idp;

/**
 * Tokens handed to a client after sign-in or refresh.
 *
 * @param accessToken a short-lived signed JWT for the {@code Authorization: Bearer} header
 * @param refreshToken an opaque secret that buys the next grant exactly once
 * @param expiresIn seconds until the access token expires
 * @param user the account the tokens speak for
 */
public record TokenGrant(String accessToken, String refreshToken, long expiresIn, UserRef user) {}
