/** What the node's {@code logback.xml} uses besides logback itself: {@link dev.aether.server.logging.ClientGoneFilter}. */
package dev.aether.server.logging;
