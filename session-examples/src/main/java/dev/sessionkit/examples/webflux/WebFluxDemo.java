package dev.sessionkit.examples.webflux;

import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import dev.sessionkit.examples.portal.Portal;
import dev.sessionkit.webflux.SessionkitWebSessionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.embedded.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.core.MethodParameter;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The account portal as a Spring WebFlux app on Netty. The {@code session-spring} starter does the
 * sessionkit part on its own, from the same environment variables as the other demos: it builds the
 * {@link SessionManager} and installs the {@link SessionkitWebSessionManager} as WebFlux's
 * {@code WebSessionManager}. This class adds what is the application's: the portal, the probe,
 * origin and no-store filters, JSON errors, and a controller argument of type {@link SessionContext}.
 * Every portal call that may reach the store runs where the session manager runs its own store
 * calls ({@link SessionkitWebSessionManager#onStoreScheduler}), never on an event loop.
 *
 * <p>Run it with {@code java -jar session-examples/target/sessionkit-demo-webflux.jar}: the memory
 * store by default, PostgreSQL with {@code DATABASE_URL=postgres://…}, port 8080 or {@code PORT}.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class WebFluxDemo {

    private static final Logger LOG = LoggerFactory.getLogger(WebFluxDemo.class);

    public static void main(String[] args) {
        application().run(args);
    }

    /** The application, reactive even though Spring MVC is on the demos' shared class path. */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(WebFluxDemo.class).web(WebApplicationType.REACTIVE);
    }

    /**
     * Netty: Spring Boot would pick Tomcat, which the Spring MVC demo brings onto the demos' shared
     * class path. Port, shutdown and the rest of {@code server.*} still apply.
     */
    @Bean
    NettyReactiveWebServerFactory nettyServer() {
        return new NettyReactiveWebServerFactory();
    }

    @Bean
    Portal portal(SessionManager manager) {
        return new Portal(manager);
    }

    @Bean
    ProbeFilter probeFilter(SessionkitWebSessionManager sessions) {
        return new ProbeFilter(sessions);
    }

    @Bean
    ReactiveOriginFilter originFilter(SessionManager manager) {
        return new ReactiveOriginFilter(manager.settings().trustProxy());
    }

    @Bean
    PortalErrorHandler portalErrors() {
        return new PortalErrorHandler();
    }

    /** Lets a controller method take the exchange's {@link SessionContext} as an argument. */
    @Bean
    WebFluxConfigurer sessionContextArgument() {
        return new WebFluxConfigurer() {
            @Override
            public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
                configurer.addCustomResolver(new HandlerMethodArgumentResolver() {
                    @Override
                    public boolean supportsParameter(MethodParameter parameter) {
                        return parameter.getParameterType() == SessionContext.class;
                    }

                    @Override
                    public Mono<Object> resolveArgument(MethodParameter parameter, BindingContext binding,
                            ServerWebExchange exchange) {
                        return SessionkitWebSessionManager.context(exchange).cast(Object.class);
                    }
                });
            }
        };
    }

    @Bean
    ApplicationListener<WebServerInitializedEvent> announce() {
        return event -> LOG.info("sessionkit WebFlux demo (session-webflux on Netty): open http://localhost:{}/"
                + " in a browser and sign in as alice / alice-password", event.getWebServer().getPort());
    }
}
