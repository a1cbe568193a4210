/** Private API of the gateway role: no compatibility guarantees; other roles use the package root. */
package dev.taidon.gateway.internal;
