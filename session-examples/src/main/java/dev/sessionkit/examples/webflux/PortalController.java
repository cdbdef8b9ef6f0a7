package dev.sessionkit.examples.webflux;

import dev.sessionkit.SessionContext;
import dev.sessionkit.examples.portal.Bodies;
import dev.sessionkit.examples.portal.Portal;
import dev.sessionkit.examples.portal.PortalException;
import dev.sessionkit.webflux.SessionkitWebSessionManager;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Every portal route as a WebFlux handler. The {@link SessionContext} argument is the exchange's
 * session state; the session manager commits it before the response. {@link Portal} is written
 * against the blocking core API, so each call runs on the session manager's store scheduler
 * (inline on the memory store), never on an event loop.
 */
@RestController
class PortalController {

    private final Portal portal;
    private final SessionkitWebSessionManager sessions;

    PortalController(Portal portal, SessionkitWebSessionManager sessions) {
        this.portal = portal;
        this.sessions = sessions;
    }

    @GetMapping("/")
    Mono<ResponseEntity<String>> page(SessionContext session, @RequestParam(required = false) String error) {
        return call(() -> portal.page(session, "1".equals(error))).map(page -> {
            HttpHeaders headers = new HttpHeaders();
            Portal.PAGE_HEADERS.forEach(headers::set);
            return ResponseEntity.ok().headers(headers).contentType(MediaType.parseMediaType("text/html;charset=utf-8"))
                    .body(page);
        });
    }

    @PostMapping("/api/login")
    Mono<Map<String, Object>> apiLogin(SessionContext session, ServerHttpRequest request) {
        return body(request).flatMap(bytes -> call(() -> portal.apiLogin(session, new ByteArrayInputStream(bytes),
                bytes.length)));
    }

    @PostMapping("/api/logout")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> logout(SessionContext session) {
        return run(() -> portal.logout(session));
    }

    @PostMapping("/api/logout-others")
    Mono<Map<String, Object>> logoutOtherDevices(SessionContext session) {
        return call(() -> portal.logoutOtherDevices(session));
    }

    @PostMapping("/api/logout-all")
    Mono<Map<String, Object>> logoutEverywhere(SessionContext session) {
        return call(() -> portal.logoutEverywhere(session));
    }

    @GetMapping("/api/session")
    Mono<Map<String, Object>> session(SessionContext session) {
        return call(() -> portal.sessionInfo(session));
    }

    @GetMapping("/api/session/test-session")
    Mono<Map<String, Object>> testSession(SessionContext session) {
        return call(() -> portal.countVisit(session));
    }

    @PutMapping({ "/api/session/prefs/{name}", "/api/session/prefs/" })
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> putPref(SessionContext session, @PathVariable(required = false) String name, ServerHttpRequest request) {
        return body(request).flatMap(bytes -> run(() -> portal.putPref(session, name, new ByteArrayInputStream(bytes),
                bytes.length)));
    }

    @DeleteMapping({ "/api/session/prefs/{name}", "/api/session/prefs/" })
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> deletePref(SessionContext session, @PathVariable(required = false) String name) {
        return run(() -> portal.deletePref(session, name));
    }

    @GetMapping("/api/sessions/me")
    Mono<Map<String, Object>> mySessions(SessionContext session) {
        return call(() -> portal.mySessions(session));
    }

    @DeleteMapping("/api/sessions/me/{handle}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> revokeMine(SessionContext session, @PathVariable String handle) {
        return run(() -> portal.revokeMine(session, handle));
    }

    @GetMapping("/api/admin/session-stats")
    Mono<Map<String, Object>> stats(SessionContext session) {
        return call(() -> portal.stats(session));
    }

    @GetMapping("/api/admin/sessions")
    Mono<Map<String, Object>> allSessions(SessionContext session) {
        return call(() -> portal.allSessions(session));
    }

    @DeleteMapping("/api/admin/sessions")
    Mono<Map<String, Object>> revokeAll(SessionContext session) {
        return call(() -> portal.revokeAllButMine(session));
    }

    /** The request body, at most {@link Bodies#MAX_BYTES}, without blocking; larger is {@code payload_too_large}. */
    private static Mono<byte[]> body(ServerHttpRequest request) {
        if (request.getHeaders().getContentLength() > Bodies.MAX_BYTES) {
            return Mono.error(PortalException.payloadTooLarge());
        }
        return DataBufferUtils.join(request.getBody(), Bodies.MAX_BYTES).map(buffer -> {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            DataBufferUtils.release(buffer);
            return bytes;
        }).defaultIfEmpty(new byte[0]);
    }

    private <T> Mono<T> call(Callable<T> portalCall) {
        return sessions.onStoreScheduler(portalCall);
    }

    /** A portal call with nothing to answer. */
    private interface Step {
        void run() throws Exception;
    }

    private Mono<Void> run(Step portalCall) {
        return sessions.onStoreScheduler(() -> {
            portalCall.run();
            return Boolean.TRUE;
        }).then();
    }
}
