/**
 * Building blocks shared by Aether's modules and by anyone who writes a store, a bus or a runtime on
 * aether-core's SPI: argument checks that name the field ({@link dev.aether.support.Checks},
 * {@link dev.aether.support.AppendChecks}), the copy and size rules of JSON payloads
 * ({@link dev.aether.support.JsonValues}), the one Jackson factory ({@link dev.aether.support.Json}), the one
 * timestamp parser ({@link dev.aether.support.Timestamps}) and the one stream hash
 * ({@link dev.aether.support.StreamHash}: the store's partitions and the cluster's shards).
 *
 * <p>This is a published package of aether-core (it replaced {@code dev.aether.internal} in issue 10: no
 * module uses another module's private package, an architecture test checks it). It is a supported surface
 * with the same compatibility as the SPI, but it is a toolbox for implementers, not for application code:
 * applications need none of it. Everything here is stateless or immutable and safe for concurrent use.
 */
package dev.aether.support;
