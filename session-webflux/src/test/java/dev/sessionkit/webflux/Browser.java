package dev.sessionkit.webflux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A real HTTP client with a one-cookie jar: the session cookie, as a browser keeps it. */
final class Browser {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String COOKIE_NAME = "sid";

    private final URI base;
    private volatile String cookie;

    Browser(URI base) {
        this.base = base;
    }

    /** Another client holding the same cookie as this one now (a stolen or copied cookie). */
    Browser replay() {
        Browser copy = new Browser(base);
        copy.cookie = cookie;
        return copy;
    }

    String cookie() {
        return cookie;
    }

    Response get(String path) {
        return send("GET", path);
    }

    Response post(String path) {
        return send("POST", path);
    }

    Response send(String method, String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Response answer = new Response(response.statusCode(), response.body(),
                    response.headers().allValues("Set-Cookie"), response.headers().firstValue("Cache-Control"));
            for (String setCookie : answer.setCookies()) {
                String pair = setCookie.substring(0, setCookie.indexOf(';') < 0 ? setCookie.length() : setCookie.indexOf(';'));
                if (pair.startsWith(COOKIE_NAME + "=")) {
                    cookie = setCookie.contains("Max-Age=0") ? null : pair;
                }
            }
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Response(int status, String body, List<String> setCookies, Optional<String> cacheControl) {
    }
}
