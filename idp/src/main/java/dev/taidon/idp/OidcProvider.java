package dev.taidon.idp;

import java.net.URI;
import java.util.List;

/**
 * An external OpenID Connect provider learners may sign in with ({@code taidon.auth.oidc.<name>.*}).
 *
 * @param issuer the provider's issuer URL; its discovery document lies below it
 * @param clientId the client id registered at the provider
 * @param clientSecret the client secret registered at the provider
 * @param redirectUri this platform's callback as registered at the provider, ending in
 *     {@code /api/v1/auth/oidc/callback}
 * @param scopes the scopes asked for; {@code openid} is always among them
 */
public record OidcProvider(URI issuer, String clientId, String clientSecret, URI redirectUri, List<String> scopes) {

  public OidcProvider {
    if (issuer == null || clientId == null || clientId.isBlank() || clientSecret == null || redirectUri == null) {
      throw new dev.taidon.core.TaidonException(dev.taidon.core.ErrorCode.INVALID_CONFIGURATION,
          "an OIDC provider needs issuer, client-id, client-secret and redirect-uri (taidon.auth.oidc.<name>.*)");
    }
    scopes = scopes == null || scopes.isEmpty() ? List.of("openid", "email") : List.copyOf(scopes);
    if (!scopes.contains("openid")) {
      throw new dev.taidon.core.TaidonException(dev.taidon.core.ErrorCode.INVALID_CONFIGURATION,
          "the scopes of an OIDC provider must include openid");
    }
  }
}
