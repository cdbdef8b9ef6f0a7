package dev.sessionkit.servlet;

import dev.sessionkit.Session;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Set;

/**
 * The {@link HttpSession} a {@link SessionRequest} hands out: a view of one core {@link Session}
 * for one request.
 *
 * <p>Values are stored as JSON through the core's attribute codec and come back as the class that
 * was set; within one request {@link #getAttribute} returns the same instance, and a value changed
 * in place is saved at commit (see {@link Session}).
 */
final class ServletSession implements HttpSession {

    private final RequestSession owner;
    private final Session session;
    private boolean invalidated;

    ServletSession(RequestSession owner, Session session) {
        this.owner = owner;
        this.session = session;
    }

    /** True when this view still serves {@code current}. */
    boolean backs(Session current) {
        return !invalidated && current == session;
    }

    /** The handle; like the containers, still answered after {@link #invalidate()} (for logs). */
    @Override
    public String getId() {
        return session.handle();
    }

    @Override
    public long getCreationTime() {
        check();
        return session.createdAt().toEpochMilli();
    }

    /** When the session's expiry was last written: it moves at the touch interval, not on every request. */
    @Override
    public long getLastAccessedTime() {
        check();
        return session.lastAccessedAt().toEpochMilli();
    }

    @Override
    public ServletContext getServletContext() {
        return owner.servletContext();
    }

    /** Zero or less ("never") keeps the session until its absolute expiry. */
    @Override
    public void setMaxInactiveInterval(int interval) {
        check();
        session.setIdleTimeout(interval > 0 ? Duration.ofSeconds(interval) : owner.manager().settings().absoluteTtl());
    }

    @Override
    public int getMaxInactiveInterval() {
        check();
        return (int) Math.min(Integer.MAX_VALUE, session.idleTimeout().toSeconds());
    }

    /**
     * The value as it was set, of the class that was set (for allowed attribute types); within one
     * request the same instance. An attribute whose stored JSON cannot be read is absent (null).
     */
    @Override
    public Object getAttribute(String name) {
        check();
        return name == null ? null : session.value(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        check();
        return Collections.enumeration(session.attributeNames());
    }

    /**
     * @throws dev.sessionkit.AttributeSerializationException when the value cannot be stored (not an
     *     allowed type, too large, cannot be read back); the session is unchanged
     */
    @Override
    public void setAttribute(String name, Object value) {
        if (name == null) {
            throw new IllegalArgumentException("the attribute name must not be null");
        }
        check();
        if (value == null) {
            removeAttribute(name);
            return;
        }
        boolean existed = session.contains(name);
        Object old = existed ? oldValue(name) : null;
        session.set(name, value); // converts to JSON, or throws naming the attribute and the type
        if (old != value) {
            ServletListeners.bound(this, name, value);
            ServletListeners.unbound(this, name, old);
        }
        if (existed) {
            owner.listeners().replaced(this, name, old);
        } else {
            owner.listeners().added(this, name, value);
        }
    }

    @Override
    public void removeAttribute(String name) {
        check();
        if (name == null) {
            return;
        }
        if (!session.contains(name)) {
            // absent, or stored but unreadable: the core removes the latter from the store; no value, no events
            session.remove(name);
            return;
        }
        Object old = oldValue(name);
        session.remove(name);
        ServletListeners.unbound(this, name, old);
        owner.listeners().removed(this, name, old);
    }

    /**
     * Logs out: listeners hear {@code sessionDestroyed} while the session is still usable, bound
     * values are unbound, and at commit the store ends the session and the cookie is cleared.
     */
    @Override
    public void invalidate() {
        check();
        owner.listeners().destroyed(this);
        Set<String> names = session.attributeNames();
        boolean events = owner.listeners().wantsAttributeEvents();
        for (String name : names) {
            Object old = oldValue(name);
            if (old instanceof jakarta.servlet.http.HttpSessionBindingListener || events) {
                ServletListeners.unbound(this, name, old);
                owner.listeners().removed(this, name, old);
            }
        }
        invalidated = true;
        owner.context().invalidate();
    }

    @Override
    public boolean isNew() {
        check();
        return session.isNew();
    }

    /** Gives the session a new id, keeping its data; returns the new handle. */
    String changeId() {
        check();
        String oldId = session.handle();
        session.regenerateId();
        owner.listeners().idChanged(this, oldId);
        return session.handle();
    }

    /** The value under {@code name} for events. */
    private Object oldValue(String name) {
        return session.value(name);
    }

    private void check() {
        if (invalidated || session.isInvalidated()) {
            throw new IllegalStateException("the session was invalidated");
        }
    }

    @Override
    public String toString() {
        return "ServletSession[" + session + "]";
    }
}
