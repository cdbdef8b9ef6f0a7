package dev.sessionkit.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One simulated device: {@link HttpClient} plus a jar for the one session cookie, kept by hand so
 * that tests can look at every {@code Set-Cookie} and replay old cookies. Thread-safe.
 */
final class Client {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;
    private final String userAgent;
    private volatile String cookie; // name=value, or null
    private volatile String origin;
    private final java.util.Map<String, String> extraHeaders = new java.util.concurrent.ConcurrentHashMap<>();

    /** A device that sends its own origin in {@code Origin}, as browsers do on every state-changing request. */
    Client(URI base, String userAgent) {
        this.base = base;
        this.userAgent = userAgent;
        this.origin = base.getScheme() + "://" + base.getRawAuthority();
    }

    /** A second device that starts with this one's cookie (a stolen or replayed cookie). */
    Client replay() {
        Client copy = new Client(base, userAgent);
        copy.cookie = cookie;
        copy.origin = origin;
        return copy;
    }

    /** Sends this {@code Origin} with every request from now on (null: none; default: the app's own). */
    Client origin(String value) {
        this.origin = value;
        return this;
    }

    /** Sends this header with every request from now on. */
    Client header(String name, String value) {
        extraHeaders.put(name, value);
        return this;
    }

    String cookie() {
        return cookie;
    }

    /** The value of the session cookie, without its name; null when there is none. */
    String cookieValue() {
        String c = cookie;
        return c == null ? null : c.substring(c.indexOf('=') + 1);
    }

    Response get(String path) {
        return send("GET", path, null, null);
    }

    Response delete(String path) {
        return send("DELETE", path, null, null);
    }

    Response post(String path) {
        return send("POST", path, HttpRequest.BodyPublishers.noBody(), null);
    }

    Response postJson(String path, String json) {
        return send("POST", path, HttpRequest.BodyPublishers.ofString(json), "application/json");
    }

    /** A POST with a body of {@code contentType} (null: no {@code Content-Type} header). */
    Response post(String path, String body, String contentType) {
        return send("POST", path, HttpRequest.BodyPublishers.ofString(body), contentType);
    }

    Response putJson(String path, String json) {
        return send("PUT", path, HttpRequest.BodyPublishers.ofString(json), "application/json");
    }

    Response postForm(String path, String... namesAndValues) {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (form.length() > 0) {
                form.append('&');
            }
            form.append(encode(namesAndValues[i])).append('=').append(encode(namesAndValues[i + 1]));
        }
        return send("POST", path, HttpRequest.BodyPublishers.ofString(form.toString()),
                "application/x-www-form-urlencoded");
    }

    Response login(String user) {
        Response response = postJson("/api/login",
                "{\"username\":\"" + user + "\",\"password\":\"" + user + "-password\"}");
        if (response.status() != 200) {
            throw new AssertionError("login of " + user + " failed: " + response);
        }
        return response;
    }

    Response send(String method, String path, HttpRequest.BodyPublisher body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body)
                .header("User-Agent", userAgent);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        String c = cookie;
        if (c != null) {
            request.header("Cookie", c);
        }
        extraHeaders.forEach(request::header);
        String o = origin;
        if (o != null) {
            request.header("Origin", o);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            List<String> setCookies = response.headers().allValues("Set-Cookie");
            for (String setCookie : setCookies) {
                remember(setCookie);
            }
            return new Response(response.statusCode(), response.headers(), response.body(), setCookies);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void remember(String setCookie) {
        String pair = setCookie.split(";", 2)[0].trim();
        String value = pair.substring(pair.indexOf('=') + 1);
        boolean cleared = value.isEmpty() || setCookie.toLowerCase(Locale.ROOT).contains("max-age=0");
        cookie = cleared ? null : pair;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** One answer. */
    record Response(int status, HttpHeaders headers, String body, List<String> setCookies) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        /** The error code of a JSON error answer, checking that the body holds nothing else. */
        String error() {
            JsonNode json = json();
            if (json.size() != 1 || !json.path("error").isTextual()) {
                throw new AssertionError("not an error body: " + body);
            }
            return json.get("error").textValue();
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
