/**
 * The {@code aether} command line ({@link dev.aether.server.cli.AetherCli}, the runnable jar's main class;
 * {@code ./scripts/aether} runs it): {@code serve} runs a node, the client commands talk to one over its
 * HTTP API.
 *
 * <p>Decisions others depend on (also in the root README):
 * <ul>
 *   <li>Exit codes: 0 ok; 1 the node answered an error, or {@code model validate} found the model invalid;
 *       2 usage (options, arguments, a payload that is not a JSON object, a file that does not exist);
 *       3 node unreachable, the message naming the URL; 4 rejected by a business rule or a conflict (HTTP
 *       409); 5 no outcome within the deadline (HTTP 504, or no answer to a {@code send}), resend with the
 *       same {@code --key}. {@code serve} has its own (0 stopped, 1 failed, 2 a bad setting).</li>
 *   <li>stdout carries only results: JSON pretty-printed ({@code tail}: one compact JSON event per line);
 *       stderr carries {@code error: ...} lines (a node's error as {@code message [CODE, HTTP status]},
 *       then one indented {@code field: message} line per field error), never a stack trace.</li>
 *   <li>{@code --url} (default {@code http://127.0.0.1:8080}, env {@code AETHER_URL}) and {@code --token}
 *       (env {@code AETHER_TOKEN}) may be given before or after the command; a flag beats the
 *       environment. Path segments are percent-encoded.</li>
 *   <li>Every header value is checked before a request is sent ({@code HeaderValue}): {@code --key} and
 *       {@code --correlation-id} printable ASCII, at most 256 characters, the token printable ASCII without
 *       spaces; java.net.http would send other characters changed ({@code é} as {@code ?}, so two keys would
 *       name one command). A bad one is a usage error naming the option or variable.</li>
 *   <li>{@code send} generates the {@code Idempotency-Key} when {@code --key} is absent, so that a failure
 *       without an outcome can name the key to resend with. {@code -d @FILE} / {@code -d @-} read the
 *       payload (picocli's own {@code @file} argument expansion is off).</li>
 *   <li>{@code tail --from N} sends {@code Last-Event-ID: N-1}; it reconnects from the last printed version
 *       when the stream ends, and stops after {@code --count} events or at Ctrl-C.</li>
 * </ul>
 */
package dev.aether.server.cli;
