package dev.aether.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small java.net.http client for the node's API in tests, on one HTTP version: HTTP/1.1, or HTTP/2 (h2c: the
 * client's connection is upgraded by a first {@code GET /health/live}, as java.net.http asks for the upgrade
 * only on a request without a body). Every answer is checked to have come in that version.
 */
final class Api {

  static final ObjectMapper JSON = new ObjectMapper();

  /** An answer: status, headers, body parsed as JSON when it is JSON. */
  record Answer(int status, Map<String, List<String>> headers, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON (" + status + "): " + body, e);
      }
    }

    Optional<String> header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream()).findFirst();
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  private final URI base;
  private final HttpClient.Version version;
  private final HttpClient client;
  private final List<String> defaultHeaders = new ArrayList<>();

  /** An HTTP/1.1 client. */
  Api(URI base) {
    this(base, HttpClient.Version.HTTP_1_1);
  }

  /** A client of {@code version}; for HTTP/2 its connection is upgraded (h2c) here. */
  Api(URI base, HttpClient.Version version) {
    this(base, version, HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5)).build());
    if (version == HttpClient.Version.HTTP_2) {
      Answer upgrade = get("/health/live");
      if (upgrade.status() != 200) {
        throw new AssertionError("the h2c upgrade request answered " + upgrade);
      }
    }
  }

  private Api(URI base, HttpClient.Version version, HttpClient client) {
    this.base = base;
    this.version = version;
    this.client = client;
  }

  /** The same client (and connection) with one more header on every request. */
  Api withHeader(String name, String value) {
    Api api = new Api(base, version, client);
    api.defaultHeaders.addAll(defaultHeaders);
    api.defaultHeaders.add(name);
    api.defaultHeaders.add(value);
    return api;
  }

  URI uri(String path) {
    return base.resolve(path);
  }

  Answer get(String path, String... headers) {
    return send(request(path, headers).GET());
  }

  Answer post(String path, String json, String... headers) {
    return send(request(path, headers).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Answer delete(String path, String... headers) {
    return send(request(path, headers).DELETE());
  }

  Answer put(String path, String contentType, String body, String... headers) {
    return send(request(path, headers).header("Content-Type", contentType)
        .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  Answer command(String type, String id, String command, String json, String... headers) {
    return post("/v1/actors/" + type + "/" + id + "/commands/" + command, json, headers);
  }

  HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
    for (int i = 0; i < defaultHeaders.size(); i += 2) {
      b.header(defaultHeaders.get(i), defaultHeaders.get(i + 1));
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b;
  }

  Answer send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (r.version() != version) {
        throw new AssertionError("answered over " + r.version() + " instead of " + version + ": " + r.statusCode()
            + " " + r.body());
      }
      return new Answer(r.statusCode(), r.headers().map(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpClient client() {
    return client;
  }
}
