package dev.sessionkit.spring.compat;

import org.springframework.stereotype.Component;
import org.springframework.web.context.annotation.SessionScope;

/** A session-scoped bean counting the visitor's requests; it changes in place, never re-set. */
@Component
@SessionScope
public class Visits {

    private int count;

    public int increment() {
        return ++count;
    }
}
