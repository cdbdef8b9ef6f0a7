package dev.sessionkit.webflux;

import dev.sessionkit.Session;
import dev.sessionkit.SessionContext;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * {@code WebSession.getAttributes()}: a live map over the exchange's session. A read never creates
 * a session; a {@code put} creates one when there is none. Values are stored as JSON through the
 * core's attribute codec and come back as the class that was put (for allowed attribute types),
 * the same instance within one exchange; a value changed in place is saved at commit. A
 * {@code put} of a value that cannot be stored throws
 * {@link dev.sessionkit.AttributeSerializationException} and leaves the session unchanged. Null
 * keys are absent; a null value removes the key.
 */
final class AttributeMap extends AbstractMap<String, Object> {

    private final SessionContext context;
    private final PrincipalAttribute principal;

    /** A map over {@code context}'s session; {@code principal} (may be null) is the attribute the principal follows. */
    AttributeMap(SessionContext context, PrincipalAttribute principal) {
        this.context = context;
        this.principal = principal;
    }

    @Override
    public Object get(Object key) {
        if (!(key instanceof String name)) {
            return null;
        }
        return context.session().map(s -> readable(s, name)).orElse(null);
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof String name && context.session().map(s -> s.contains(name) && !hidden(s, name)).orElse(false);
    }

    /**
     * The value of {@code name}; for the principal's attribute, null when the value names a user
     * who is not the session's principal (changed or cleared through the core API since it was
     * put), as the servlet side's security context repository refuses such a context.
     */
    private Object readable(Session session, String name) {
        return hidden(session, name) ? null : session.value(name);
    }

    /** Whether {@code name} is the principal's attribute holding a value of a user who is not the principal. */
    private boolean hidden(Session session, String name) {
        if (principal == null || !principal.name().equals(name) || !session.contains(name)) {
            return false;
        }
        Object value = session.value(name);
        String user = value == null ? null : principal.principalOf(value);
        return user != null && !user.equals(session.principal().orElse(null));
    }

    /** The names a reader sees: every attribute's but a hidden principal attribute's. */
    private List<String> visibleNames(Session session) {
        List<String> names = new ArrayList<>(session.attributeNames());
        if (principal != null && names.contains(principal.name()) && hidden(session, principal.name())) {
            names.remove(principal.name());
        }
        return names;
    }

    @Override
    public Object put(String key, Object value) {
        if (key == null) {
            throw new IllegalArgumentException("the attribute name must not be null");
        }
        if (value == null) {
            return remove(key);
        }
        Session session = context.getOrCreate();
        Object old = session.contains(key) ? readable(session, key) : null;
        session.set(key, value);
        if (principal != null && principal.name().equals(key)) {
            session.setPrincipal(principal.principalOf(value));
        }
        return old;
    }

    @Override
    public Object remove(Object key) {
        if (!(key instanceof String name)) {
            return null;
        }
        Session session = context.session().orElse(null);
        if (session == null) {
            return null;
        }
        Object old = session.contains(name) ? readable(session, name) : null;
        session.remove(name); // also an attribute that is stored but cannot be read
        if (principal != null && principal.name().equals(name)) {
            session.setPrincipal(null);
        }
        return old;
    }

    @Override
    public void clear() {
        context.session().ifPresent(session -> {
            boolean signedInByAttribute = principal != null && session.contains(principal.name());
            session.clear();
            if (signedInByAttribute) {
                session.setPrincipal(null);
            }
        });
    }

    @Override
    public int size() {
        return context.session().map(s -> visibleNames(s).size()).orElse(0);
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, Object>> iterator() {
                List<String> names = context.session().map(AttributeMap.this::visibleNames).orElse(List.of());
                return new Iterator<>() {
                    private int next;
                    private String last;

                    @Override
                    public boolean hasNext() {
                        return next < names.size();
                    }

                    @Override
                    public Map.Entry<String, Object> next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        last = names.get(next++);
                        return new Entry(last);
                    }

                    @Override
                    public void remove() {
                        if (last == null) {
                            throw new IllegalStateException();
                        }
                        AttributeMap.this.remove(last);
                        last = null;
                    }
                };
            }

            @Override
            public int size() {
                return AttributeMap.this.size();
            }
        };
    }

    /** One attribute, read when asked; {@code setValue} puts. */
    private final class Entry implements Map.Entry<String, Object> {

        private final String name;

        Entry(String name) {
            this.name = name;
        }

        @Override
        public String getKey() {
            return name;
        }

        @Override
        public Object getValue() {
            return get(name);
        }

        @Override
        public Object setValue(Object value) {
            return put(name, value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Map.Entry<?, ?> e && name.equals(e.getKey()) && java.util.Objects.equals(getValue(), e.getValue());
        }

        @Override
        public int hashCode() {
            return name.hashCode() ^ java.util.Objects.hashCode(getValue());
        }
    }
}
