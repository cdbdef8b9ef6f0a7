package dev.sessionkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionkit.Session;
import dev.sessionkit.SessionJson;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link HttpSession} a {@link SessionRequest} hands out: a view of one core {@link Session}
 * for one request.
 *
 * <p>Values are stored as JSON. {@link #getAttribute} returns, within one request, the same
 * instance for the same stored JSON: the object that was set, or the plain Java form of the JSON
 * ({@code String}, {@code Boolean}, {@code Integer}/{@code Long}/{@code BigInteger},
 * {@code Double}, {@code List}, {@code Map}) read back once. When the JSON under a name changes by
 * another path (the core API's {@code increment}, a commit that merged other requests' writes),
 * the value is read again.
 */
final class ServletSession implements HttpSession {

    private final RequestSession owner;
    private final Session session;
    private final Map<String, Bound> values = new HashMap<>();
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

    @Override
    public Object getAttribute(String name) {
        check();
        if (name == null) {
            return null;
        }
        Optional<JsonNode> json = session.getJson(name);
        if (json.isEmpty()) {
            values.remove(name);
            return null;
        }
        Bound bound = values.get(name);
        if (bound != null && bound.json().equals(json.get())) {
            return bound.value();
        }
        Object value = SessionJson.fromJson(name, json.get(), Object.class);
        values.put(name, new Bound(value, json.get()));
        return value;
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        check();
        return Collections.enumeration(session.attributeNames());
    }

    /**
     * @throws dev.sessionkit.AttributeSerializationException when the value cannot be stored as JSON;
     *     the session is unchanged
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
        boolean existed = session.attributeNames().contains(name);
        Object old = existed ? oldValue(name) : null;
        session.set(name, value); // converts to JSON, or throws naming the attribute and the type
        values.put(name, new Bound(value, session.getJson(name).orElseThrow()));
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
        if (name == null || !session.attributeNames().contains(name)) {
            return;
        }
        Object old = oldValue(name);
        session.remove(name);
        values.remove(name);
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
            Bound bound = values.get(name);
            if (bound != null || events) {
                Object old = oldValue(name);
                ServletListeners.unbound(this, name, old);
                owner.listeners().removed(this, name, old);
            }
        }
        invalidated = true;
        values.clear();
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

    /** The value under {@code name} for events: the instance bound in this request, else the JSON read back. */
    private Object oldValue(String name) {
        Bound bound = values.get(name);
        if (bound != null) {
            return bound.value();
        }
        return owner.listeners().wantsAttributeEvents() ? getAttribute(name) : null;
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

    /** A Java value and the JSON it was stored as. */
    private record Bound(Object value, JsonNode json) {
    }
}
