package dev.aether.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Server-Sent Events from a node in tests: the first n events of a stream (answered in the client's
 * HTTP version), then closes it.
 */
final class Sse {

  record Event(String id, String name, String data) {}

  private Sse() {}

  static List<Event> first(HttpClient client, HttpRequest request, int n) {
    try {
      HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      if (response.version() != client.version()) {
        throw new AssertionError("SSE answered over " + response.version() + " instead of " + client.version());
      }
      if (response.statusCode() != 200) {
        throw new AssertionError("SSE answered " + response.statusCode() + ": "
            + new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
      }
      List<Event> events = new ArrayList<>();
      try (InputStream body = response.body();
          BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        String id = null;
        String name = null;
        StringBuilder data = new StringBuilder();
        String line;
        while (events.size() < n && (line = reader.readLine()) != null) {
          if (line.isEmpty()) {
            if (id != null || data.length() > 0) {
              events.add(new Event(id, name, data.toString()));
            }
            id = null;
            name = null;
            data.setLength(0);
          } else if (line.startsWith("id:")) {
            id = line.substring(3).strip();
          } else if (line.startsWith("event:")) {
            name = line.substring(6).strip();
          } else if (line.startsWith("data:")) {
            data.append(line.substring(5).strip());
          }
        }
      }
      return events;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
