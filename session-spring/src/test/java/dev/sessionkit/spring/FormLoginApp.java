package dev.sessionkit.spring;

import static org.springframework.security.config.Customizer.withDefaults;

import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A plain Spring Boot application with Spring Security form login, logout and at most one session
 * per user; nothing in it knows sessionkit.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class FormLoginApp {

    static final String PASSWORD = "password";

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http,
            @org.springframework.beans.factory.annotation.Value("${form-login-app.prevents-login:false}") boolean preventsLogin)
            throws Exception {
        http.authorizeHttpRequests(requests -> requests.requestMatchers("/public", "/actuator/**", "/rest-login").permitAll()
                .anyRequest().authenticated())
                .formLogin(withDefaults())
                .logout(withDefaults())
                .csrf(csrf -> csrf.ignoringRequestMatchers("/rest-login"))
                .sessionManagement(sessions -> sessions.maximumSessions(1).maxSessionsPreventsLogin(preventsLogin));
        return http.build();
    }

    @Bean
    UserDetailsService users() {
        InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
        for (String name : new String[] { "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi" }) {
            users.createUser(User.withUsername(name).password("{noop}" + PASSWORD).roles("USER").build());
        }
        return users;
    }

    @RestController
    static class Pages {

        @org.springframework.beans.factory.annotation.Autowired
        org.springframework.security.web.context.SecurityContextRepository repository;

        @GetMapping("/me")
        String me(Principal principal) {
            return principal.getName();
        }

        @GetMapping("/admin-check")
        boolean isUser(HttpServletRequest request) {
            return request.isUserInRole("USER");
        }

        @GetMapping("/csrf")
        String csrf(CsrfToken token) {
            return token.getToken();
        }

        @GetMapping("/public")
        String open() {
            return "open";
        }

        /** A REST login the way Spring Security's docs show it: the context saved by hand. */
        @org.springframework.web.bind.annotation.PostMapping("/rest-login")
        String restLogin(HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response) {
            var context = org.springframework.security.core.context.SecurityContextHolder.createEmptyContext();
            context.setAuthentication(org.springframework.security.authentication.UsernamePasswordAuthenticationToken
                    .authenticated("erin", null, org.springframework.security.core.authority.AuthorityUtils
                            .createAuthorityList("ROLE_USER")));
            repository.saveContext(context, request, response);
            return "ok";
        }
    }
}
