/**
 * Network fault tools: {@link dev.aether.testkit.net.TcpProxy} sits between a client and a server on a loopback
 * port and can hold every byte both ways (a partition that heals), or cut every connection;
 * {@link dev.aether.testkit.net.RefusingPort} is a loopback port that refuses every connection and that nothing
 * else can take while it is open (a server that is down).
 */
package dev.aether.testkit.net;
