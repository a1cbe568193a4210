/** Private API of the vcs-sync role: no compatibility guarantees; other roles use the package root. */
package dev.taidon.vcssync.internal;
