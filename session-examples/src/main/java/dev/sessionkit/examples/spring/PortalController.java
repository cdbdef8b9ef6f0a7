package dev.sessionkit.examples.spring;

import dev.sessionkit.SessionContext;
import dev.sessionkit.examples.portal.Portal;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every portal route as a Spring MVC handler. The {@link SessionContext} argument is the session
 * state the starter's filter resolved; the filter commits it after the handler returns.
 */
@RestController
class PortalController {

    private final Portal portal;

    PortalController(Portal portal) {
        this.portal = portal;
    }

    @GetMapping("/")
    ResponseEntity<String> page(SessionContext session, @RequestParam(required = false) String error) {
        HttpHeaders headers = new HttpHeaders();
        Portal.PAGE_HEADERS.forEach(headers::set);
        return ResponseEntity.ok().headers(headers).contentType(MediaType.parseMediaType("text/html;charset=utf-8"))
                .body(portal.page(session, "1".equals(error)));
    }

    @PostMapping("/api/login")
    Map<String, Object> apiLogin(SessionContext session, HttpServletRequest request) throws IOException {
        return portal.apiLogin(session, request.getInputStream(), request.getContentLengthLong());
    }

    @PostMapping("/api/logout")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void logout(SessionContext session) {
        portal.logout(session);
    }

    @PostMapping("/api/logout-others")
    Map<String, Object> logoutOtherDevices(SessionContext session) {
        return portal.logoutOtherDevices(session);
    }

    @PostMapping("/api/logout-all")
    Map<String, Object> logoutEverywhere(SessionContext session) {
        return portal.logoutEverywhere(session);
    }

    @GetMapping("/api/session")
    Map<String, Object> session(SessionContext session) {
        return portal.sessionInfo(session);
    }

    @GetMapping("/api/session/test-session")
    Map<String, Object> testSession(SessionContext session) {
        return portal.countVisit(session);
    }

    @PutMapping({ "/api/session/prefs/{name}", "/api/session/prefs/" })
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void putPref(SessionContext session, @PathVariable(required = false) String name, HttpServletRequest request)
            throws IOException {
        portal.putPref(session, name, request.getInputStream(), request.getContentLengthLong());
    }

    @DeleteMapping({ "/api/session/prefs/{name}", "/api/session/prefs/" })
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void deletePref(SessionContext session, @PathVariable(required = false) String name) {
        portal.deletePref(session, name);
    }

    @GetMapping("/api/sessions/me")
    Map<String, Object> mySessions(SessionContext session) {
        return portal.mySessions(session);
    }

    @DeleteMapping("/api/sessions/me/{handle}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revokeMine(SessionContext session, @PathVariable String handle) {
        portal.revokeMine(session, handle);
    }

    @GetMapping("/api/admin/session-stats")
    Map<String, Object> stats(SessionContext session) {
        return portal.stats(session);
    }

    @GetMapping("/api/admin/sessions")
    Map<String, Object> allSessions(SessionContext session) {
        return portal.allSessions(session);
    }

    @DeleteMapping("/api/admin/sessions")
    Map<String, Object> revokeAll(SessionContext session) {
        return portal.revokeAllButMine(session);
    }
}
