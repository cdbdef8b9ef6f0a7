package dev.sessionkit.servlet;

import dev.sessionkit.LookupKey;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import java.util.Collections;
import java.util.Enumeration;

/**
 * The {@link HttpSession} handed to {@code sessionDestroyed} for a session that ended outside a
 * request of this filter: expired and purged by a sweeper, revoked or replaced, or ended on
 * another instance. Only its id (the handle, as {@link ServletSession#getId()} gives it) is known
 * here; it holds no attributes, and, like an invalidated container session, refuses writes and
 * the questions it cannot answer with {@link IllegalStateException}.
 */
final class EndedSession implements HttpSession {

    private final String id;
    private final ServletContext context;

    EndedSession(LookupKey key, ServletContext context) {
        this.id = key.value();
        this.context = context;
    }

    private IllegalStateException ended() {
        return new IllegalStateException("the session has ended (outside this request); only its id is known");
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public long getCreationTime() {
        throw ended();
    }

    @Override
    public long getLastAccessedTime() {
        throw ended();
    }

    @Override
    public ServletContext getServletContext() {
        return context;
    }

    @Override
    public void setMaxInactiveInterval(int interval) {
        throw ended();
    }

    @Override
    public int getMaxInactiveInterval() {
        return 0;
    }

    @Override
    public Object getAttribute(String name) {
        return null;
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        return Collections.emptyEnumeration();
    }

    @Override
    public void setAttribute(String name, Object value) {
        throw ended();
    }

    @Override
    public void removeAttribute(String name) {
        throw ended();
    }

    @Override
    public void invalidate() {
        throw ended();
    }

    @Override
    public boolean isNew() {
        throw ended();
    }

    @Override
    public String toString() {
        return "EndedSession[" + new LookupKey(id).prefix() + "…]";
    }
}
