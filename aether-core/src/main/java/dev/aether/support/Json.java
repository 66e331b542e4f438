package dev.aether.support;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import dev.aether.event.PayloadLimits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one Jackson {@link JsonFactory} for Aether's stored and transmitted JSON: the event codec
 * ({@code EventJson}), and the stores and buses that cut or wrap event JSON (aether-nats). A helper for store, bus
 * and runtime implementations (see the package).
 *
 * <p>Set up for virtual threads and for what Aether stores:
 * <ul>
 *   <li>Buffers are recycled through a pool shared by all threads ({@link JsonRecyclerPools#sharedBoundedPool()},
 *       at most 100 buffer sets). Jackson's default keeps them per thread in a {@code ThreadLocal}, which on
 *       virtual threads (each one new) recycles nothing and allocates fresh buffers on every call. The
 *       bounded pool was chosen over the concurrent-deque pool (unbounded) and the lock-free pool
 *       (deprecated in Jackson 2.18).
 *   <li>Nesting up to {@link #MAX_NESTING} = the payload depth ceiling plus three enclosing levels (an event
 *       in a commit array or a bus message; a snapshot's state in its snapshot in a KV entry; an event's data
 *       in the events array of a command result, aether-runtime's {@code CommandJson}), so that no reader
 *       recurses deeper than that; the codecs refuse a payload beyond the ceiling themselves.
 *   <li>No limit on names and strings (Jackson's default refused keys above 50,000 characters, which an
 *       event may hold: {@link PayloadLimits}); the document's size bounds them, and an event that
 *       {@code Event.Builder} accepted must always read back.
 * </ul>
 *
 * <p>Thread-safe; do not reconfigure the factory.
 */
public final class Json {

  /** The deepest nesting read or written: the payload ceiling, the event or snapshot object, two wrappers. */
  public static final int MAX_NESTING = PayloadLimits.MAX_DEPTH_CEILING + 3;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .recyclerPool(JsonRecyclerPools.sharedBoundedPool())
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_NESTING)
          .maxNameLength(Integer.MAX_VALUE)
          .maxStringLength(Integer.MAX_VALUE).build())
      .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_NESTING).build())
      .build();

  /** Jackson's hints about its own settings and its source excerpts: nothing a reader of the message can act on. */
  /** A YAML parser's mark line, before an excerpt and a caret line. */
  private static final Pattern MARK = Pattern.compile("\\s*in '[^']*', line (\\d+), column (\\d+):?\\s*");
  private static final Pattern CARET = Pattern.compile("\\s*\\^\\s*");
  private static final Pattern PARSER_HINT = Pattern.compile(
      ": enable `[^`]*` to allow.*|\\s*\\((?:not recognized as one since Feature|start marker at)[^)]*\\)+.*"
          + "|, from `StreamReadConstraints[^`]*`"); // a limit's value stays, the class that holds it goes

  private Json() {}

  /**
   * What a JSON (or YAML) parser found wrong, for whoever sent the document: its message without Jackson's hints
   * about its own features, without source excerpts, on one line, and where the problem is ({@code Unexpected
   * end-of-input: expected close marker for Object at line 1, column 16}). A YAML parser's message names its
   * context and problem on lines of their own, each with a mark ({@code in 'reader', line 4, column 1:}), an
   * excerpt and a caret: they become {@code while scanning a quoted scalar at line 1, column 7: found unexpected
   * end of stream at line 4, column 1}, at the marks rather than where the parser stopped.
   *
   * @param e the parser's exception
   * @return the problem, never blank
   */
  public static String problem(IOException e) {
    String message = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
    List<String> lines = message == null ? List.of() : message.lines().toList();
    List<String> said = new ArrayList<>();
    boolean marked = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher mark = MARK.matcher(line);
      if (mark.matches()) { // where the text before it is: the context's start, the problem
        String at = " at line " + mark.group(1) + ", column " + mark.group(2);
        said.add(said.isEmpty() ? "malformed" + at : said.removeLast() + at);
        marked = true;
        if (i + 2 < lines.size() && CARET.matcher(lines.get(i + 2)).matches()) {
          i += 2; // the excerpt and its caret
        }
      } else if (!CARET.matcher(line).matches()) {
        String text = PARSER_HINT.matcher(line).replaceAll("").strip();
        if (!text.isEmpty()) {
          said.add(text);
        }
      }
    }
    String text = said.isEmpty() ? "malformed" : String.join(": ", said);
    JsonLocation at = marked || !(e instanceof JacksonException j) ? null : j.getLocation();
    return at == null || at.getLineNr() < 0 ? text : text + " at line " + at.getLineNr() + ", column "
        + at.getColumnNr();
  }

  /**
   * The shared factory.
   *
   * @return the factory; thread-safe, not to be reconfigured
   */
  public static JsonFactory factory() {
    return FACTORY;
  }
}
