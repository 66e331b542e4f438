package dev.aether.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Reads a Server-Sent Events stream (the WHATWG format): {@code id:}, {@code event:} and {@code data:}
 * fields, several {@code data:} lines joined by a newline, an empty line dispatching the event, comments
 * ({@code :}) and events without data ignored. Stateless.
 */
final class SseReader {

  private SseReader() {}

  static void read(BufferedReader in, Consumer<NodeClient.SseEvent> onEvent) throws IOException {
    String id = "";
    String event = "";
    StringBuilder data = null;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.isEmpty()) {
        if (data != null) {
          onEvent.accept(new NodeClient.SseEvent(id, event, data.toString()));
        }
        event = "";
        data = null;
        continue;
      }
      if (line.startsWith(":")) {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "id" -> id = value;
        case "event" -> event = value;
        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        default -> { }
      }
    }
  }
}
