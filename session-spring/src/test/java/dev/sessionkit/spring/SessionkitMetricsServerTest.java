package dev.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sessionkit.SessionManager;
import jakarta.servlet.http.HttpSession;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * sessionkit's meters through a real server: {@code /actuator/metrics/sessionkit.*} and
 * {@code /actuator/prometheus}, after real requests with real cookies.
 */
// Spring Boot tests switch metrics export off unless asked for it
@AutoConfigureObservability(tracing = false)
@SpringBootTest(classes = SessionkitMetricsServerTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
                "management.endpoints.web.exposure.include=metrics,prometheus", "sessionkit.metrics.histograms=true",
                "sessionkit.metrics.observations=true" })
final class SessionkitMetricsServerTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        @Bean
        SecurityFilterChain open(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).csrf(c -> c.disable()).build();
        }

        @Bean
        Visits visits() {
            return new Visits();
        }
    }

    @RestController
    static class Visits {

        @GetMapping("/visit")
        String visit(HttpSession session) {
            Integer n = (Integer) session.getAttribute("n");
            session.setAttribute("n", n == null ? 1 : n + 1);
            return String.valueOf(session.getAttribute("n"));
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    SessionManager manager;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> cookies = new ArrayList<>();

    private HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        response.headers().allValues("Set-Cookie").forEach(c -> cookies.add(c.substring(0, c.indexOf(';'))));
        return response;
    }

    private double metric(String nameAndQuery) throws Exception {
        HttpResponse<String> response = get("/actuator/metrics/" + nameAndQuery, null);
        assertThat(response.statusCode()).as(nameAndQuery).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(response.body());
        return body.get("measurements").get(0).get("value").asDouble();
    }

    @Test
    void metersAreUnderActuatorMetricsAndInPrometheus() throws Exception {
        assertThat(get("/visit", null).body()).isEqualTo("1");
        String cookie = cookies.get(0);
        assertThat(get("/visit", cookie).body()).isEqualTo("2");
        char last = cookie.charAt(cookie.length() - 1);
        String forged = cookie.substring(0, cookie.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertThat(get("/visit", forged).body()).as("a forged cookie gets a new session").isEqualTo("1");

        assertThat(metric("sessionkit.sessions.started")).isEqualTo(2);
        assertThat(metric("sessionkit.cookies.rejected?tag=reason:bad-signature")).isEqualTo(1);
        assertThat(metric("sessionkit.store.operations?tag=operation:create&tag=outcome:ok")).isEqualTo(2);
        assertThat(metric("sessionkit.request.steps?tag=step:resolve")).isGreaterThanOrEqualTo(3);
        assertThat(metric("sessionkit.sessions.active")).isEqualTo(2);
        assertThat(metric("sessionkit.session.size")).isEqualTo(3);

        HttpResponse<String> prometheus = get("/actuator/prometheus", null);
        assertThat(prometheus.statusCode()).isEqualTo(200);
        String scrape = prometheus.body();
        assertThat(scrape).contains("sessionkit_sessions_started_total 2.0")
                .containsPattern("sessionkit_cookies_rejected_total\\{reason=\"bad-signature\"} 1\\.0")
                .containsPattern("sessionkit_store_operations_seconds_count\\{error=\"none\",operation=\"create\",outcome=\"ok\"} 2")
                .containsPattern("sessionkit_store_operations_seconds_bucket\\{error=\"none\",operation=\"load\",outcome=\"ok\",le=")
                .containsPattern("sessionkit_request_steps_seconds_count\\{error=\"none\",outcome=\"ok\",step=\"commit\"} [1-9][0-9]*\n")
                .contains("sessionkit_sessions_active 2.0").contains("sessionkit_sweep_purged_total 0.0")
                .contains("sessionkit_session_size_bytes_count 3")
                .contains("sessionkit_sessions_ended_total{reason=\"logged-out\"} 0.0");
        for (String c : cookies) {
            String value = c.substring(c.indexOf('=') + 1);
            assertThat(scrape).doesNotContain(value).doesNotContain(value.substring(0, 12));
        }
        manager.sessionsOf("nobody");
        assertThat(get("/actuator/metrics", null).body()).contains("sessionkit.sessions.started", "sessionkit.sessions.ended",
                "sessionkit.sessions.id.rotations", "sessionkit.cookies.rejected", "sessionkit.store.operations.active", "sessionkit.store.operations",
                "sessionkit.request.steps", "sessionkit.sweeps", "sessionkit.sweep.batches", "sessionkit.sweep.purged",
                "sessionkit.sessions.active", "sessionkit.session.size");
    }
}
