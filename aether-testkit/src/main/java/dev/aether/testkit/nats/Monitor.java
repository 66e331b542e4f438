package dev.aether.testkit.nats;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Requests to a server's HTTP monitoring endpoint ({@code /healthz}, {@code /varz}, {@code /routez},
 * {@code /jsz}). One shared client; thread-safe.
 */
final class Monitor {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();

    private Monitor() {
    }

    /** A monitoring response. */
    record Response(int status, String body) {
        boolean ok() {
            return status == 200;
        }
    }

    /** GETs {@code path} from the monitoring port. */
    static Response get(int monitorPort, String path) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl(monitorPort) + path))
                .timeout(TIMEOUT)
                .GET()
                .build();
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while requesting " + path, e);
        }
    }

    static String baseUrl(int monitorPort) {
        return "http://" + ServerConfig.HOST + ":" + monitorPort;
    }

    /** Reads a top-level integer field such as {@code "num_routes": 2} from a monitoring JSON body. */
    static long intField(String json, String field) {
        Matcher matcher = Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*(-?\\d+)").matcher(json);
        if (!matcher.find()) {
            throw new NatsServerException("no field " + field + " in " + json);
        }
        return Long.parseLong(matcher.group(1));
    }
}
