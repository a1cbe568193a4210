/** Private API of the PostgreSQL engine module: no compatibility guarantees. */
package dev.taidon.pg.internal;
