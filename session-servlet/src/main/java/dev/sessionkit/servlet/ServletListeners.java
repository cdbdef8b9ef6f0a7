package dev.sessionkit.servlet;

import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servlet session listeners of one filter, and the calls into them. A listener that throws is
 * logged at WARN and skipped, so it never breaks a request.
 */
final class ServletListeners {

    private static final Logger LOG = LoggerFactory.getLogger(ServletListeners.class);

    private final List<HttpSessionListener> session = new ArrayList<>();
    private final List<HttpSessionAttributeListener> attribute = new ArrayList<>();
    private final List<HttpSessionIdListener> id = new ArrayList<>();

    ServletListeners(List<EventListener> listeners) {
        for (EventListener listener : listeners) {
            if (listener instanceof HttpSessionListener l) {
                session.add(l);
            }
            if (listener instanceof HttpSessionAttributeListener l) {
                attribute.add(l);
            }
            if (listener instanceof HttpSessionIdListener l) {
                id.add(l);
            }
        }
    }

    /** True when someone wants {@code sessionCreated}/{@code sessionDestroyed}. */
    boolean wantsSessionEvents() {
        return !session.isEmpty();
    }

    /** True when someone wants attribute events, so old values are worth converting. */
    boolean wantsAttributeEvents() {
        return !attribute.isEmpty();
    }

    void created(HttpSession s) {
        HttpSessionEvent event = new HttpSessionEvent(s);
        each(session, l -> l.sessionCreated(event));
    }

    void destroyed(HttpSession s) {
        HttpSessionEvent event = new HttpSessionEvent(s);
        each(session, l -> l.sessionDestroyed(event));
    }

    void idChanged(HttpSession s, String oldId) {
        HttpSessionEvent event = new HttpSessionEvent(s);
        each(id, l -> l.sessionIdChanged(event, oldId));
    }

    void added(HttpSession s, String name, Object value) {
        HttpSessionBindingEvent event = new HttpSessionBindingEvent(s, name, value);
        each(attribute, l -> l.attributeAdded(event));
    }

    void replaced(HttpSession s, String name, Object oldValue) {
        HttpSessionBindingEvent event = new HttpSessionBindingEvent(s, name, oldValue);
        each(attribute, l -> l.attributeReplaced(event));
    }

    void removed(HttpSession s, String name, Object oldValue) {
        HttpSessionBindingEvent event = new HttpSessionBindingEvent(s, name, oldValue);
        each(attribute, l -> l.attributeRemoved(event));
    }

    static void bound(HttpSession s, String name, Object value) {
        if (value instanceof HttpSessionBindingListener l) {
            call(l, x -> x.valueBound(new HttpSessionBindingEvent(s, name, value)));
        }
    }

    static void unbound(HttpSession s, String name, Object value) {
        if (value instanceof HttpSessionBindingListener l) {
            call(l, x -> x.valueUnbound(new HttpSessionBindingEvent(s, name, value)));
        }
    }

    private static <L> void each(List<L> listeners, Consumer<L> event) {
        for (L listener : listeners) {
            call(listener, event);
        }
    }

    private static <L> void call(L listener, Consumer<L> event) {
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            LOG.warn("sessionkit: servlet session listener {} failed; the request goes on",
                    listener.getClass().getName(), e);
        }
    }
}
