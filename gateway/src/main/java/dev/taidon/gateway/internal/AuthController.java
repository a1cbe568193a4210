package dev.taidon.gateway.internal;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.envmanager.EnvManager;
import dev.taidon.envmanager.OwnerKind;
import dev.taidon.envmanager.Presence;
import dev.taidon.envmanager.SandboxInfo;
import dev.taidon.envmanager.SandboxQuota;
import dev.taidon.idp.AccountKind;
import dev.taidon.idp.AuthSettings;
import dev.taidon.idp.Identity;
import dev.taidon.idp.TokenGrant;
import dev.taidon.idp.UserRef;
import dev.taidon.sqlrunner.RunLimits;
import dev.taidon.sqlrunner.SqlRunner;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Sign-in, token refresh, sign-out, the key set, and who the caller is. */
@RestController
class AuthController {
  private final Identity identity;
  private final EnvManager envManager;
  private final SqlRunner runner;

  AuthController(Identity identity, EnvManager envManager, SqlRunner runner) {
    this.identity = identity;
    this.envManager = envManager;
    this.runner = runner;
  }

  /** A refresh or sign-out request. */
  record RefreshRequest(String refreshToken) {
    String validToken() {
      if (refreshToken == null || refreshToken.isBlank() || refreshToken.length() > 200) {
        throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "refreshToken must be the refresh token of a grant");
      }
      return refreshToken;
    }
  }

  /** A registration or login request. */
  record Credentials(String email, String password) {}

  @PostMapping("/api/v1/auth/register")
  ResponseEntity<TokenGrant> register(@RequestBody Credentials credentials, HttpServletRequest request) {
    java.util.Optional<String> anonymous = java.util.Optional.ofNullable(
            (AccessTokenVerifier.Caller) request.getAttribute(BearerAuthentication.CALLER))
        .filter(caller -> caller.kind() == dev.taidon.idp.AccountKind.ANONYMOUS)
        .map(AccessTokenVerifier.Caller::accountId);
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(identity.register(credentials.email(), credentials.password(), anonymous));
  }

  @PostMapping("/api/v1/auth/login")
  TokenGrant login(@RequestBody Credentials credentials, HttpServletRequest request) {
    return identity.login(credentials.email(), credentials.password(), request.getRemoteAddr());
  }

  /** Where to send the browser to sign in at an external provider. */
  record OidcStart(String authorizationUrl) {}

  /** A one-time login code from the provider callback. */
  record LoginCode(String code) {}

  @PostMapping("/api/v1/auth/oidc/{provider}/start")
  OidcStart startOidc(@PathVariable String provider, HttpServletRequest request) {
    java.util.Optional<String> anonymous = java.util.Optional.ofNullable(
            (AccessTokenVerifier.Caller) request.getAttribute(BearerAuthentication.CALLER))
        .filter(caller -> caller.kind() == AccountKind.ANONYMOUS)
        .map(AccessTokenVerifier.Caller::accountId);
    return new OidcStart(identity.startOidcLogin(provider, anonymous));
  }

  /** The provider sends the browser here; it goes on to the app with a one-time code. */
  @GetMapping("/api/v1/auth/oidc/callback")
  ResponseEntity<Void> oidcCallback(@RequestParam(required = false) String state, @RequestParam(required = false) String code,
      @RequestParam(required = false) String error) {
    if (error != null) {
      return ResponseEntity.status(HttpStatus.FOUND).location(java.net.URI.create("/?loginError="
          + java.net.URLEncoder.encode(error, java.nio.charset.StandardCharsets.UTF_8))).build();
    }
    String loginCode = identity.completeOidcLogin(state, code);
    return ResponseEntity.status(HttpStatus.FOUND).location(java.net.URI.create("/#login=" + loginCode)).build();
  }

  @PostMapping("/api/v1/auth/oidc/exchange")
  TokenGrant exchange(@RequestBody LoginCode code) {
    if (code.code() == null || code.code().isBlank() || code.code().length() > 200) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "code must be the login code from the callback");
    }
    return identity.exchangeLoginCode(code.code());
  }

  @PostMapping("/api/v1/auth/anonymous")
  ResponseEntity<TokenGrant> anonymous() {
    return ResponseEntity.status(HttpStatus.CREATED).body(identity.createAnonymous());
  }

  @PostMapping("/api/v1/auth/refresh")
  TokenGrant refresh(@RequestBody RefreshRequest request) {
    return identity.refresh(request.validToken());
  }

  @PostMapping("/api/v1/auth/logout")
  ResponseEntity<Void> logout(@RequestBody RefreshRequest request) {
    identity.logout(request.validToken());
    return ResponseEntity.noContent().build();
  }

  @GetMapping(path = "/api/v1/auth/jwks", produces = "application/jwk-set+json")
  String jwks() {
    return identity.jwks();
  }

  /** The caller's account, its limits and what it uses of them. */
  record Me(String id, AccountKind kind, List<String> roles, SandboxQuota quotas, RunLimits limits, Usage usage) {}

  /** What an account uses now. */
  record Usage(int sandboxes, int hotSandboxes) {}

  @GetMapping("/api/v1/me")
  Me me(HttpServletRequest request) {
    AccessTokenVerifier.Caller caller = (AccessTokenVerifier.Caller) request.getAttribute(BearerAuthentication.CALLER);
    UserRef account = identity.account(caller.accountId())
        .orElseThrow(() -> new TaidonException(ErrorCode.UNAUTHENTICATED, "the account of this token no longer exists"));
    OwnerKind kind = account.kind() == AccountKind.REGISTERED ? OwnerKind.REGISTERED : OwnerKind.ANONYMOUS;
    List<SandboxInfo> sandboxes = envManager.sandboxesOf(account.id());
    int hot = (int) sandboxes.stream().filter(sandbox -> sandbox.presence() == Presence.HOT).count();
    return new Me(account.id(), account.kind(), caller.operator() ? List.of(AuthSettings.OPERATOR) : List.of(),
        envManager.quota(kind), runner.limits(kind), new Usage(sandboxes.size(), hot));
  }
}
