package dev.taidon.idp;

/**
 * Accounts and the tokens that prove them. Access tokens are JWTs signed with keys published by
 * {@link #jwks()}; refresh tokens rotate on every use, and presenting a used one again revokes every
 * token descended from the same sign-in.
 */
public interface Identity {

  /** Creates an anonymous account and signs it in. */
  TokenGrant createAnonymous();

  /**
   * Exchanges a refresh token for a new grant; the presented token is spent.
   *
   * @throws dev.taidon.core.TaidonException {@code UNAUTHENTICATED} for an unknown, expired, revoked or
   *     already used token (the last also revokes its whole family)
   */
  TokenGrant refresh(String refreshToken);

  /** Revokes the sign-in the refresh token belongs to; unknown tokens are ignored. */
  void logout(String refreshToken);

  /** The public keys that verify access tokens, as a JSON Web Key Set document. */
  String jwks();

  /**
   * Makes a new signing key the one that signs from now on. Tokens signed by the previous key stay
   * valid until they expire: rotating signs nobody out.
   */
  void rotateSigningKey();

  /** The account behind an id, if it exists. */
  java.util.Optional<UserRef> account(String accountId);
}
