package dev.taidon.userprofile.internal;

import dev.taidon.envmanager.EnvManager;
import dev.taidon.envmanager.SandboxInfo;
import dev.taidon.idp.Identity;
import dev.taidon.userprofile.Worksheets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes anonymous accounts that have not been seen for the configured idle time, sandboxes and
 * worksheets first: a crash in between leaves an account without them, which the next pass
 * removes, never sandboxes or worksheets without an account.
 */
final class AccountExpiry {
  static final int BATCH = 100;
  private static final Logger log = LoggerFactory.getLogger(AccountExpiry.class);

  private final Identity identity;
  private final EnvManager envManager;
  private final Worksheets worksheets;

  AccountExpiry(Identity identity, EnvManager envManager, Worksheets worksheets) {
    this.identity = identity;
    this.envManager = envManager;
    this.worksheets = worksheets;
  }

  /** One pass; returns how many accounts it removed. */
  int expire() {
    List<String> expired = identity.expiredAnonymousAccounts(BATCH);
    for (String account : expired) {
      for (SandboxInfo sandbox : envManager.sandboxesOf(account)) {
        envManager.deleteSandbox(sandbox.id());
      }
      worksheets.deleteWorksheetsOf(account);
      identity.deleteAccount(account);
    }
    if (!expired.isEmpty()) {
      log.info("Removed {} expired anonymous accounts with their sandboxes and worksheets", expired.size());
    }
    return expired.size();
  }
}
