/** Private API of the audit-log role: no compatibility guarantees; other roles use the package root. */
package dev.taidon.auditlog.internal;
