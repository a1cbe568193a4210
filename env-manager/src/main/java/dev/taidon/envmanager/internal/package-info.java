/** Private API of the env-manager role: no compatibility guarantees; other roles use the package root. */
package dev.taidon.envmanager.internal;
