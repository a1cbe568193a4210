/** Private API of the snapshot-cache role: no compatibility guarantees; other roles use the package root. */
package dev.taidon.snapshotcache.internal;
