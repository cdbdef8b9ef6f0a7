package dev.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One browser for the tests that drive a real server: it follows no redirect, keeps every cookie
 * the server sets (and forgets those it clears), and sends them back the way a browser does. Its
 * cookies belong to the host, not the port, so they keep working when the application is restarted
 * on another port, which {@code port} is asked for on every request.
 */
final class Browser {

    private static final Pattern CSRF_INPUT = Pattern.compile("<input[^>]*\\bname=\"_csrf\"[^>]*>");
    private static final Pattern VALUE = Pattern.compile("\\bvalue=\"([^\"]+)\"");
    private static final String HOST = "127.0.0.1";

    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .cookieHandler(cookies).build();
    private final IntSupplier port;
    private final Set<String> cookieNamesSeen = ConcurrentHashMap.newKeySet();

    Browser(IntSupplier port) {
        this.port = port;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    /** A GET of a full address: another server the application sends the browser to (an identity provider). */
    HttpResponse<String> get(URI address) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(address).GET().build());
    }

    /** A form POST; {@code form} is already encoded (see {@link #form}). */
    HttpResponse<String> post(String path, String form) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    /** The value of the cookie {@code name} this browser holds. */
    Optional<String> cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                .map(HttpCookie::getValue).findFirst();
    }

    /** Holds {@code name=value} from now on, as if the server had set it (a stolen or replayed cookie). */
    void cookie(String name, String value) {
        drop(name);
        HttpCookie cookie = new HttpCookie(name, value);
        cookie.setPath("/");
        cookie.setVersion(0);
        cookies.getCookieStore().add(URI.create("http://" + HOST + "/"), cookie);
    }

    /** Forgets the cookie {@code name}, as a browser does with a session cookie when it is closed. */
    void drop(String name) {
        // getCookies() is a view of the store: copy it before removing
        List.copyOf(cookies.getCookieStore().getCookies()).stream().filter(c -> c.getName().equals(name))
                .forEach(c -> cookies.getCookieStore().remove(null, c));
        assertThat(cookie(name)).as("cookie %s dropped", name).isEmpty();
    }

    /** Every cookie name any response has set, cleared ones included. */
    Set<String> cookieNamesSeen() {
        return Set.copyOf(cookieNamesSeen);
    }

    /** The value of the CSRF hidden field of a page's form (Spring Security's login page or a Thymeleaf form). */
    static String csrfField(String html) {
        Matcher input = CSRF_INPUT.matcher(html);
        assertThat(input.find()).as("a CSRF field in the page:%n%s", html).isTrue();
        Matcher value = VALUE.matcher(input.group());
        assertThat(value.find()).as("a value in %s", input.group()).isTrue();
        return value.group(1);
    }

    /** {@code name=value&…}, encoded; {@code pairs} alternate names and values. */
    static String form(String... pairs) {
        assertThat(pairs.length % 2).as("names and values in pairs").isZero();
        StringJoiner form = new StringJoiner("&");
        for (int i = 0; i < pairs.length; i += 2) {
            form.add(encode(pairs[i]) + "=" + encode(pairs[i + 1]));
        }
        return form.toString();
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port.getAsInt() + path));
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        for (String header : response.headers().allValues("Set-Cookie")) {
            cookieNamesSeen.add(header.split("=", 2)[0].trim());
        }
        return response;
    }
}
