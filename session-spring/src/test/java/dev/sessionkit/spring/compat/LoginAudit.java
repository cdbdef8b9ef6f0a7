package dev.sessionkit.spring.compat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.InteractiveAuthenticationSuccessEvent;
import org.springframework.stereotype.Component;

/**
 * An audit trail of logins, as applications keep one: each form or remember-me login, as the
 * {@code Authentication}'s class and the user's name.
 */
@Component
public class LoginAudit {

    private final List<String> logins = new CopyOnWriteArrayList<>();

    @EventListener
    void onLogin(InteractiveAuthenticationSuccessEvent event) {
        logins.add(event.getAuthentication().getClass().getSimpleName() + " " + event.getAuthentication().getName());
    }

    /** The logins so far, oldest first. */
    public List<String> logins() {
        return List.copyOf(logins);
    }
}
