/** Private API of the sql-runner role: no compatibility guarantees; other roles use the package root. */
package dev.taidon.sqlrunner.internal;
