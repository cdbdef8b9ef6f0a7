package dev.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.SessionManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Tomcat logs the whole {@code Cookie} header when one cookie in it is malformed; the starter keeps
 * that line, and the live session cookie in it, out of the log. A real embedded Tomcat, a raw
 * socket (so nothing tidies the header), and a {@code java.util.logging} handler on the root logger,
 * which is where Tomcat's JULI logging goes on this test class path.
 */
@SpringBootTest(classes = FormLoginApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration")
final class TomcatCookieLoggingTest {

    @LocalServerPort
    int port;

    @Autowired
    SessionManager manager;

    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            Object[] parameters = record.getParameters();
            logged.add(message + (parameters == null ? "" : " " + List.of(parameters)));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Logger root = Logger.getLogger("");
    private final Logger tomcatCookie = Logger.getLogger(TomcatCookieLogging.LOGGER);

    @BeforeEach
    void captureJavaLogging() {
        capture.setLevel(Level.ALL);
        root.addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        root.removeHandler(capture);
    }

    @Test
    void aMalformedCookieHeaderLeavesNoCookieValueInTheLog() throws Exception {
        String live = liveSessionCookie();
        String name = manager.settings().cookieName();

        for (String header : malformed(name, live)) {
            assertThat(send(header)).startsWith("HTTP/1.1 200");
        }

        assertThat(tomcatCookie.isLoggable(Level.INFO)).isFalse();
        assertThat(logged).noneMatch(line -> line.contains(live));
        assertThat(LoggingSystem.get(getClass().getClassLoader()).getLoggerConfiguration(TomcatCookieLogging.LOGGER)
                .getEffectiveLevel()).isEqualTo(LogLevel.WARN);
    }

    @Test
    void withTheLoggerTurnedUpTheSameRequestWouldLogTheCookie() throws Exception {
        // the control: the capture sees Tomcat's line, so the test above would see it too
        String live = liveSessionCookie();
        Level before = tomcatCookie.getLevel();
        tomcatCookie.setLevel(Level.FINE); // INFO the first time a day, DEBUG after that: FINE sees both
        try {
            for (String header : malformed(manager.settings().cookieName(), live)) {
                send(header);
            }
        } finally {
            tomcatCookie.setLevel(before);
        }

        assertThat(logged).anyMatch(line -> line.contains(live));
    }

    @Test
    void theDefaultGivesWayToTheApplicationsOwnLevel() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("application",
                Map.of(TomcatCookieLogging.PROPERTY, "DEBUG")));
        new TomcatCookieLogging().postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty(TomcatCookieLogging.PROPERTY)).isEqualTo("DEBUG");

        StandardEnvironment plain = new StandardEnvironment();
        new TomcatCookieLogging().postProcessEnvironment(plain, new SpringApplication());
        assertThat(plain.getProperty(TomcatCookieLogging.PROPERTY)).isEqualTo("WARN");
    }

    /**
     * Headers with a malformed cookie: a proxy that folded two {@code Cookie} headers with a comma
     * (Tomcat then logs the session cookie as the invalid one, value and all), a stray quote before
     * the session cookie, and one after it.
     */
    private static List<String> malformed(String name, String live) {
        return List.of(name + "=" + live + ", theme=dark", "theme=da\"rk; " + name + "=" + live,
                name + "=" + live + "; theme=da\"rk");
    }

    /** The value of a session cookie the application just set: the login page stores its CSRF token in one. */
    private String liveSessionCookie() throws Exception {
        Browser browser = new Browser(() -> port);
        assertThat(browser.get("/login").statusCode()).isEqualTo(200);
        String value = browser.cookie(manager.settings().cookieName()).orElseThrow();
        assertThat(value).hasSizeGreaterThan(80);
        return value;
    }

    private String send(String cookieHeader) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /public HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nCookie: " + cookieHeader
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
