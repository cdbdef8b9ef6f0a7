package dev.sessionkit.spring;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps Tomcat from writing session cookies to the log. When Tomcat parses a {@code Cookie} header
 * that holds one malformed cookie, {@code org.apache.tomcat.util.http.parser.Cookie} logs the whole
 * header at INFO (the first time a day, then at DEBUG) — the live session cookie included, for
 * anyone who reads the logs to replay. This adds {@value #PROPERTY}={@value #LEVEL} as a default:
 * the lowest-precedence property source, so an application that sets the property itself (to see
 * malformed headers while debugging, say) wins. Boot's logging system applies it to whichever
 * logging library the application uses. Only that one logger is affected; the malformed cookie is
 * still ignored as before.
 */
final class TomcatCookieLogging implements EnvironmentPostProcessor, Ordered {

    /** The logger of Tomcat's cookie header parser. */
    static final String LOGGER = "org.apache.tomcat.util.http.parser.Cookie";
    static final String PROPERTY = "logging.level." + LOGGER;
    static final String LEVEL = "WARN";
    static final String SOURCE = "sessionkit-tomcat-cookie-logging";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.getPropertySources().contains(SOURCE)) {
            environment.getPropertySources().addLast(new MapPropertySource(SOURCE, Map.of(PROPERTY, LEVEL)));
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
