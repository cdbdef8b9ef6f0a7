package dev.sessionkit.spring.compat;

import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The application's session listener: it records the id of every session created. */
public class SessionEvents implements HttpSessionListener {

    private final List<String> created = new CopyOnWriteArrayList<>();

    @Override
    public void sessionCreated(HttpSessionEvent event) {
        created.add(event.getSession().getId());
    }

    /** The ids of the sessions created so far, oldest first. */
    public List<String> created() {
        return List.copyOf(created);
    }
}
