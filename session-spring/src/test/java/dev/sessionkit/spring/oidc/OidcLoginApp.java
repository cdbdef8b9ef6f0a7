package dev.sessionkit.spring.oidc;

import static org.springframework.security.config.Customizer.withDefaults;

import com.nimbusds.jwt.JWTParser;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.annotation.RegisteredOAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.client.web.HttpSessionOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A plain Spring Boot application that signs users in with OpenID Connect ({@code oauth2Login()},
 * one client registration from properties) and signs them out with {@code logout()}; nothing in
 * it knows sessionkit. With {@code oidc-app.authorized-clients=session} it keeps its authorized
 * clients (the access token) in the session, as Spring Security offers, instead of Boot's
 * in-memory default.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class OidcLoginApp {

    /** The client registration's id, under {@code spring.security.oauth2.client.registration}. */
    public static final String REGISTRATION = "idp";

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests.requestMatchers("/public").permitAll().anyRequest().authenticated())
                .oauth2Login(withDefaults())
                .logout(withDefaults());
        return http.build();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "oidc-app.authorized-clients", havingValue = "session")
    static class AuthorizedClientsInTheSession {

        @Bean
        OAuth2AuthorizedClientRepository authorizedClientRepository() {
            return new HttpSessionOAuth2AuthorizedClientRepository();
        }
    }

    @RestController
    static class Pages {

        /** What the application sees of the login, as the page of an app would use it. */
        @GetMapping("/me")
        Map<String, Object> me(@AuthenticationPrincipal OidcUser user, Authentication authentication) {
            Map<String, Object> page = new LinkedHashMap<>();
            page.put("authentication", authentication.getClass().getName());
            page.put("principal", user.getClass().getName());
            page.put("registration", ((OAuth2AuthenticationToken) authentication).getAuthorizedClientRegistrationId());
            page.put("name", authentication.getName());
            page.put("subject", user.getSubject());
            page.put("email", user.getEmail());
            page.put("fullName", user.getFullName());
            page.put("tenant", user.<String>getClaim("tenant"));
            page.put("groups", user.getClaimAsStringList("groups"));
            page.put("issuer", user.getIssuer().toString());
            page.put("idTokenIssuedAt", user.getIdToken().getIssuedAt().toString());
            page.put("idTokenExpiresAt", user.getIdToken().getExpiresAt().toString());
            page.put("userInfoEmail", user.getUserInfo() == null ? null : user.getUserInfo().getEmail());
            page.put("authorities", authentication.getAuthorities().stream()
                    .map(a -> a.getAuthority() + " " + a.getClass().getName()).sorted().toList());
            return page;
        }

        /** The access token the login obtained, as a page calling an API with it would use it. */
        @GetMapping("/client")
        Map<String, Object> client(@RegisteredOAuth2AuthorizedClient(REGISTRATION) OAuth2AuthorizedClient client)
                throws ParseException {
            Map<String, Object> page = new LinkedHashMap<>();
            page.put("principalName", client.getPrincipalName());
            page.put("registration", client.getClientRegistration().getRegistrationId());
            page.put("clientId", client.getClientRegistration().getClientId());
            page.put("tokenUri", client.getClientRegistration().getProviderDetails().getTokenUri());
            page.put("tokenType", client.getAccessToken().getTokenType().getValue());
            page.put("tokenSubject", JWTParser.parse(client.getAccessToken().getTokenValue()).getJWTClaimsSet().getSubject());
            page.put("tokenExpiresAt", client.getAccessToken().getExpiresAt().toString());
            return page;
        }

        @GetMapping("/csrf")
        String csrf(CsrfToken token) {
            return token.getToken();
        }

        @GetMapping("/public")
        String open() {
            return "open";
        }
    }
}
