package dev.sessionkit.spring.compat;

import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.SecurityFilterChain;

/**
 * An ordinary Spring Boot application, written the way the Spring guides show, that knows nothing
 * of sessionkit: Thymeleaf pages, flash attributes, a {@code @SessionAttributes} cart, a
 * {@code @SessionScope} bean, form login with its own {@code UserDetails} class, remember-me and
 * logout. Only its properties say where sessions live.
 */
@SpringBootApplication
public class CompatApp {

    /** Every user's password. */
    public static final String PASSWORD = "secret-password";

    /** The key of the remember-me cookie's signature; the same in every instance of the application. */
    static final String REMEMBER_ME_KEY = "compat-app-remember-me-key";

    @Bean
    SecurityFilterChain security(HttpSecurity http, UserDetailsService users) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/login", "/error", "/messages/**", "/cart/**", "/visits", "/session").permitAll()
                        .requestMatchers("/account/password").fullyAuthenticated()
                        .anyRequest().authenticated())
                .formLogin(login -> login.loginPage("/login").defaultSuccessUrl("/profile"))
                .rememberMe(rememberMe -> rememberMe.key(REMEMBER_ME_KEY).userDetailsService(users))
                .logout(logout -> logout.logoutSuccessUrl("/login?logout"));
        return http.build();
    }

    @Bean
    UserDetailsService users() {
        Map<String, String> displayNames = Map.of("alice", "Alice Liddell", "bob", "Bob Dylan", "carol", "Carol King",
                "dave", "Dave Brubeck");
        return username -> {
            String displayName = displayNames.get(username);
            if (displayName == null) {
                throw new UsernameNotFoundException(username);
            }
            List<String> roles = username.equals("alice") ? List.of("ROLE_USER", "ROLE_ADMIN") : List.of("ROLE_USER");
            return new AppUser(username, "{noop}" + PASSWORD, displayName,
                    AuthorityUtils.createAuthorityList(roles));
        };
    }

    @Bean
    SessionEvents sessionEvents() {
        return new SessionEvents();
    }
}
