/** Private API of the user-profile role: no compatibility guarantees; other roles use the package root. */
package dev.taidon.userprofile.internal;
