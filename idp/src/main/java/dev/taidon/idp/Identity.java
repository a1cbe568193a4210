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
   * Registers an email address and password. With {@code anonymousAccountId} the anonymous account
   * becomes registered and keeps everything it made; without, a new account is created.
   *
   * @throws dev.taidon.core.TaidonException {@code INVALID_ARGUMENT} for a malformed email or a weak
   *     password, {@code CONFLICT} when the email is taken or the account is registered already
   */
  TokenGrant register(String email, String password, java.util.Optional<String> anonymousAccountId);

  /**
   * Signs in with email and password. Five wrong passwords lock the account for a while; many
   * failures from one client address throttle that address.
   *
   * @throws dev.taidon.core.TaidonException {@code UNAUTHENTICATED} for a wrong email or password
   *     (which of the two is not said), {@code TOO_MANY_ATTEMPTS} while locked or throttled, with
   *     {@code retryAfterSeconds}
   */
  TokenGrant login(String email, String password, String clientAddress);

  /**
   * Begins a login at an external OpenID Connect provider: returns the provider's authorization URL
   * (authorization code flow with PKCE, state and nonce) to send the browser to. With
   * {@code anonymousAccountId}, a first login links the provider's identity to that account.
   *
   * @throws dev.taidon.core.TaidonException {@code NOT_FOUND} for a provider that is not configured
   */
  String startOidcLogin(String provider, java.util.Optional<String> anonymousAccountId);

  /**
   * Completes a login at the provider's redirect: checks the state, redeems the code with the PKCE
   * verifier, verifies the ID token (signature, issuer, audience, expiry, nonce), links or creates
   * the account by issuer and subject, and returns a one-time code the browser exchanges for tokens.
   */
  String completeOidcLogin(String state, String code);

  /** Exchanges a one-time login code (valid for a minute) for tokens. */
  TokenGrant exchangeLoginCode(String code);

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

  /** Anonymous accounts not seen for longer than {@code taidon.auth.anonymous-idle}, oldest first, at most {@code limit}. */
  java.util.List<String> expiredAnonymousAccounts(int limit);

  /** Deletes an account with its sign-ins; does nothing when it does not exist. */
  void deleteAccount(String accountId);

  /** The account behind an id, if it exists. */
  java.util.Optional<UserRef> account(String accountId);
}
