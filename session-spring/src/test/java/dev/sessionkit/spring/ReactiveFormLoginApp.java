package dev.sessionkit.spring;

import static org.springframework.security.config.Customizer.withDefaults;

import dev.sessionkit.webflux.SessionkitWebSessionManager;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.TreeSet;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.embedded.netty.NettyReactiveWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.logout.DelegatingServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.SecurityContextServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.WebSessionServerLogoutHandler;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.csrf.XorServerCsrfTokenRequestAttributeHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * A plain Spring Boot WebFlux application on Netty with Spring Security form login, CSRF (its
 * default {@code WebSessionServerCsrfTokenRepository}, with a non-blocking random source for the
 * token masking) and a logout that ends the session; nothing in it knows sessionkit.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableWebFluxSecurity
class ReactiveFormLoginApp {

    static final String PASSWORD = "password";

    /** Reactive, on Netty: the test class path also holds Spring MVC and Tomcat. */
    static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(ReactiveFormLoginApp.class).web(WebApplicationType.REACTIVE);
    }

    @Bean
    NettyReactiveWebServerFactory nettyServer() {
        return new NettyReactiveWebServerFactory();
    }

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http) throws NoSuchAlgorithmException {
        // Spring Security masks the CSRF token with a default SecureRandom (NativePRNG), which reads
        // /dev/urandom on the calling thread, an event loop included: BlockHound catches that with any
        // WebSession store. A DRBG reads the operating system's entropy once per JVM, not per token.
        XorServerCsrfTokenRequestAttributeHandler masking = new XorServerCsrfTokenRequestAttributeHandler();
        masking.setSecureRandom(SecureRandom.getInstance("DRBG"));
        return http.authorizeExchange(exchanges -> exchanges.pathMatchers("/public", "/public/**").permitAll().anyExchange().authenticated())
                .csrf(csrf -> csrf.csrfTokenRequestHandler(masking))
                .formLogin(withDefaults())
                .logout(logout -> logout.logoutHandler(new DelegatingServerLogoutHandler(
                        new SecurityContextServerLogoutHandler(), new WebSessionServerLogoutHandler())))
                .build();
    }

    @Bean
    MapReactiveUserDetailsService users() {
        return new MapReactiveUserDetailsService(
                User.withUsername("alice").password("{noop}" + PASSWORD).roles("USER").build(),
                User.withUsername("bob").password("{noop}" + PASSWORD).roles("USER").build(),
                User.withUsername("carol").password("{noop}" + PASSWORD).roles("USER").build(),
                User.withUsername("dave").password("{noop}" + PASSWORD).roles("USER").build(),
                User.withUsername("erin").password("{noop}" + PASSWORD).roles("USER").build());
    }

    @RestController
    static class Pages {

        @GetMapping("/me")
        Mono<String> me(Mono<Authentication> authentication) {
            return authentication.map(Authentication::getName);
        }

        /** The class of the principal, as the security context was read back from the session. */
        @GetMapping("/principal-type")
        Mono<String> principalType(Mono<Authentication> authentication) {
            return authentication.map(a -> a.getPrincipal().getClass().getName() + " "
                    + a.getAuthorities().iterator().next().getAuthority());
        }

        /** Sets the session's principal through the core API (none for an empty name), leaving the stored context. */
        @GetMapping("/core-principal")
        Mono<String> corePrincipal(ServerWebExchange exchange, @RequestParam String name) {
            return SessionkitWebSessionManager.context(exchange).map(context -> {
                context.session().orElseThrow().setPrincipal(name.isEmpty() ? null : name);
                return "ok";
            });
        }

        /** The WebSession's attribute names as its map shows them, its size, and whether the context is there. */
        @GetMapping("/public/attributes")
        Mono<String> attributes(ServerWebExchange exchange) {
            return exchange.getSession().map(session -> new TreeSet<>(session.getAttributes().keySet()) + " "
                    + session.getAttributes().size() + " "
                    + session.getAttributes().containsKey("SPRING_SECURITY_CONTEXT") + " "
                    + session.getAttributes().entrySet().stream().allMatch(e -> e.getValue() != null));
        }

        @GetMapping("/csrf")
        Mono<String> csrf(ServerWebExchange exchange) {
            Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
            return token == null ? Mono.just("") : token.map(CsrfToken::getToken);
        }

        @GetMapping("/public")
        String open() {
            return "open";
        }
    }
}
