/** What the command line's logging configuration ({@code dev/aether/server/cli/node-logback.xml}) uses besides logback itself: {@link dev.aether.server.logging.ClientGoneFilter}. */
package dev.aether.server.logging;
