/**
 * The runnable Aether node: the command line, the HTTP API, its configuration, the embedded nats-server it
 * supervises, metrics and health.
 */
package dev.aether.server;
