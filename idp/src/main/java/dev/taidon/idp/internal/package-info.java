/** Private API of the idp role: no compatibility guarantees; other roles use the package root. */
package dev.taidon.idp.internal;
