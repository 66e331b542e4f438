/**
 * Network fault tools: {@link dev.aether.testkit.net.TcpProxy} sits between a client and a server on a loopback
 * port and can hold every byte both ways (a partition that heals), or cut every connection.
 */
package dev.aether.testkit.net;
