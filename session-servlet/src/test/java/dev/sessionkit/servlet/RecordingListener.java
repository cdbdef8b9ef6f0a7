package dev.sessionkit.servlet;

import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the servlet session events the filter sends, as short strings. */
final class RecordingListener implements HttpSessionListener, HttpSessionAttributeListener, HttpSessionIdListener {

    private final List<String> events = new CopyOnWriteArrayList<>();

    List<String> events() {
        return List.copyOf(events);
    }

    void clear() {
        events.clear();
    }

    @Override
    public void sessionCreated(HttpSessionEvent se) {
        events.add("created");
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent se) {
        // the session is still usable here, as the specification promises
        events.add("destroyed:" + se.getSession().getAttribute("user"));
    }

    @Override
    public void attributeAdded(HttpSessionBindingEvent event) {
        events.add("added:" + event.getName() + "=" + event.getValue());
    }

    @Override
    public void attributeRemoved(HttpSessionBindingEvent event) {
        events.add("removed:" + event.getName() + "=" + event.getValue());
    }

    @Override
    public void attributeReplaced(HttpSessionBindingEvent event) {
        events.add("replaced:" + event.getName() + "=" + event.getValue());
    }

    @Override
    public void sessionIdChanged(HttpSessionEvent event, String oldSessionId) {
        events.add("idChanged:" + !oldSessionId.equals(event.getSession().getId()));
    }
}
