package dev.sessionkit.examples.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The origin comparison, including the forwarded headers the end-to-end tests cannot send through a proxy. */
final class OriginFilterTest {

    private static final UnaryOperator<String> NO_HEADERS = name -> null;

    @Test
    void sameSchemeHostAndPortMatchWhateverTheCase() {
        assertThat(OriginFilter.sameOrigin("http://Localhost:8080", "http", "localhost", 8080, NO_HEADERS, false)).isTrue();
        assertThat(OriginFilter.sameOrigin("https://example.com", "https", "example.com", 443, NO_HEADERS, false)).isTrue();
        assertThat(OriginFilter.sameOrigin("http://[::1]:8080", "http", "[::1]", 8080, NO_HEADERS, false)).isTrue();
    }

    @Test
    void anotherSchemeHostOrPortDoesNotMatch() {
        assertThat(OriginFilter.sameOrigin("https://localhost:8080", "http", "localhost", 8080, NO_HEADERS, false)).isFalse();
        assertThat(OriginFilter.sameOrigin("http://evil.example:8080", "http", "localhost", 8080, NO_HEADERS, false)).isFalse();
        assertThat(OriginFilter.sameOrigin("http://localhost", "http", "localhost", 8080, NO_HEADERS, false)).isFalse();
        assertThat(OriginFilter.sameOrigin("http://localhost.evil.example:8080", "http", "localhost", 8080, NO_HEADERS,
                false)).isFalse();
    }

    @Test
    void nullAndMalformedOriginsNeverMatch() {
        for (String origin : new String[] { "null", "", "localhost:8080", "http://", "http://localhost:8080/path",
                "http://local host:8080" }) {
            assertThat(OriginFilter.sameOrigin(origin, "http", "localhost", 8080, NO_HEADERS, false)).as(origin).isFalse();
        }
    }

    @Test
    void forwardedHeadersCountOnlyBehindATrustedProxy() {
        UnaryOperator<String> proxy = Map.of("X-Forwarded-Proto", "https", "X-Forwarded-Host", "portal.example.com")::get;

        assertThat(OriginFilter.sameOrigin("https://portal.example.com", "http", "10.0.0.5", 8080, proxy, true)).isTrue();
        assertThat(OriginFilter.sameOrigin("https://portal.example.com", "http", "10.0.0.5", 8080, proxy, false)).isFalse();
        assertThat(OriginFilter.sameOrigin("http://10.0.0.5:8080", "http", "10.0.0.5", 8080, proxy, true)).isFalse();
    }

    @Test
    void forwardedPortAndHostWithPortAreHonoured() {
        UnaryOperator<String> withPort = Map.of("X-Forwarded-Proto", "https, http", "X-Forwarded-Host",
                "portal.example.com:8443")::get;
        UnaryOperator<String> portHeader = Map.of("X-Forwarded-Proto", "https", "X-Forwarded-Host", "portal.example.com",
                "X-Forwarded-Port", "9443")::get;

        assertThat(OriginFilter.sameOrigin("https://portal.example.com:8443", "http", "app", 8080, withPort, true)).isTrue();
        assertThat(OriginFilter.sameOrigin("https://portal.example.com:9443", "http", "app", 8080, portHeader, true))
                .isTrue();
        assertThat(OriginFilter.sameOrigin("https://portal.example.com", "http", "app", 8080, portHeader, true)).isFalse();
    }
}
