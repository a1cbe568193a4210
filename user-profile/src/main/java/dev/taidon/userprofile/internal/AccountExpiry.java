package dev.taidon.userprofile.internal;

import dev.taidon.envmanager.EnvManager;
import dev.taidon.envmanager.SandboxInfo;
import dev.taidon.idp.Identity;
import dev.taidon.userprofile.Shares;
import dev.taidon.userprofile.Worksheets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes anonymous accounts that have not been seen for the configured idle time, sandboxes,
 * worksheets and shares first: a crash in between leaves an account without them, which the next
 * pass removes, never sandboxes, worksheets or shares without an account.
 */
final class AccountExpiry {
  static final int BATCH = 100;
  private static final Logger log = LoggerFactory.getLogger(AccountExpiry.class);

  private final Identity identity;
  private final EnvManager envManager;
  private final Worksheets worksheets;
  private final Shares shares;

  AccountExpiry(Identity identity, EnvManager envManager, Worksheets worksheets, Shares shares) {
    this.identity = identity;
    this.envManager = envManager;
    this.worksheets = worksheets;
    this.shares = shares;
  }

  /** One pass; returns how many accounts it removed. */
  int expire() {
    List<String> expired = identity.expiredAnonymousAccounts(BATCH);
    for (String account : expired) {
      for (SandboxInfo sandbox : envManager.sandboxesOf(account)) {
        envManager.deleteSandbox(sandbox.id());
      }
      worksheets.deleteWorksheetsOf(account);
      shares.deleteSharesOf(account);
      identity.deleteAccount(account);
    }
    if (!expired.isEmpty()) {
      log.info("Removed {} expired anonymous accounts with their sandboxes, worksheets and shares", expired.size());
    }
    return expired.size();
  }
}
