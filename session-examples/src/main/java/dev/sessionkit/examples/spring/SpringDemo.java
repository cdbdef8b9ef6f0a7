package dev.sessionkit.examples.spring;

import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import dev.sessionkit.examples.portal.HealthFilter;
import dev.sessionkit.examples.portal.NoStoreFilter;
import dev.sessionkit.examples.portal.OriginFilter;
import dev.sessionkit.examples.portal.Portal;
import dev.sessionkit.servlet.SessionFilter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The account portal as a Spring Boot app. The {@code session-spring} starter does the sessionkit
 * part on its own: it reads the same environment variables, opens the store, builds the
 * {@link SessionManager} and registers the {@link SessionFilter}. This class adds what is the
 * application's: the portal, the health and origin filters ahead of the session filter, and a
 * controller argument of type {@link SessionContext}.
 *
 * <p>Run it with {@code java -jar session-examples/target/sessionkit-demo-spring.jar}: the memory
 * store by default, PostgreSQL with {@code DATABASE_URL=postgres://…}, port 8080 or {@code PORT}.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class SpringDemo {

    private static final Logger LOG = LoggerFactory.getLogger(SpringDemo.class);

    public static void main(String[] args) {
        SpringApplication.run(SpringDemo.class, args);
    }

    @Bean
    Portal portal(SessionManager manager) {
        return new Portal(manager);
    }

    /** First of all: the probes answer without touching the session store. */
    @Bean
    FilterRegistrationBean<HealthFilter> healthFilter(SessionManager manager) {
        FilterRegistrationBean<HealthFilter> registration = new FilterRegistrationBean<>(new HealthFilter(manager));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.setUrlPatterns(List.of("/healthz", "/readyz"));
        return registration;
    }

    /** Then the origin check, still before the starter's session filter. */
    @Bean
    FilterRegistrationBean<OriginFilter> originFilter(SessionManager manager) {
        FilterRegistrationBean<OriginFilter> registration =
                new FilterRegistrationBean<>(new OriginFilter(manager.settings().trustProxy()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }

    /** The JSON API is never cached, the origin check's refusals included (so it runs before that). */
    @Bean
    FilterRegistrationBean<NoStoreFilter> noStoreFilter() {
        FilterRegistrationBean<NoStoreFilter> registration = new FilterRegistrationBean<>(new NoStoreFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        registration.setUrlPatterns(List.of("/api/*"));
        return registration;
    }

    /** Lets a controller method take the request's {@link SessionContext} as an argument. */
    @Bean
    WebMvcConfigurer sessionContextArgument() {
        return new WebMvcConfigurer() {
            @Override
            public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
                resolvers.add(new SessionContextResolver());
            }
        };
    }

    @Bean
    ApplicationListener<WebServerInitializedEvent> announce() {
        return event -> LOG.info("sessionkit Spring Boot demo (session-spring starter): open http://localhost:{}/"
                + " in a browser and sign in as alice / alice-password", event.getWebServer().getPort());
    }

    private static final class SessionContextResolver implements HandlerMethodArgumentResolver {

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return parameter.getParameterType() == SessionContext.class;
        }

        @Override
        public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
                WebDataBinderFactory binders) {
            return SessionFilter.context(request.getNativeRequest(jakarta.servlet.ServletRequest.class))
                    .orElseThrow(() -> new IllegalStateException("the sessionkit filter did not run for this request"));
        }
    }
}
