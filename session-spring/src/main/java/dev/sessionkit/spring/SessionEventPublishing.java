package dev.sessionkit.spring;

import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.util.Collection;
import java.util.EventListener;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.web.session.HttpSessionCreatedEvent;
import org.springframework.security.web.session.HttpSessionDestroyedEvent;
import org.springframework.security.web.session.HttpSessionEventPublisher;

/**
 * Spring Security's session events, published as its {@link HttpSessionEventPublisher} would,
 * for the sessions the filter serves: {@link HttpSessionCreatedEvent} when one is created and
 * {@link HttpSessionDestroyedEvent} when one ends — logged out in a request, revoked, replaced,
 * expired, or ended on another instance (with PostgreSQL's events). Added to the filter by the
 * starter unless the application declares an {@code HttpSessionEventPublisher} bean itself, so
 * each event is published once. Loaded only when Spring Security's web module is present.
 */
final class SessionEventPublishing implements HttpSessionListener {

    private final ApplicationEventPublisher publisher;

    SessionEventPublishing(ApplicationEventPublisher publisher) {
        this.publisher = publisher;
    }

    /** Whether the application already publishes the events itself. */
    static boolean declared(Collection<? extends EventListener> listeners) {
        return listeners.stream().anyMatch(HttpSessionEventPublisher.class::isInstance);
    }

    @Override
    public void sessionCreated(HttpSessionEvent event) {
        publisher.publishEvent(new HttpSessionCreatedEvent(event.getSession()));
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
        publisher.publishEvent(new HttpSessionDestroyedEvent(event.getSession()));
    }
}
