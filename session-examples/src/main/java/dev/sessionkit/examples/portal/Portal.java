package dev.sessionkit.examples.portal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionkit.AttributeSerializationException;
import dev.sessionkit.Session;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionStats;
import dev.sessionkit.SessionStatus;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The account portal every demo app serves: what each endpoint does with the session, written once
 * against sessionkit's core API ({@link SessionContext}, {@link Session}, {@link SessionManager}).
 * The apps differ only in how a request reaches it: a hand-routed servlet behind
 * {@link dev.sessionkit.servlet.SessionFilter} on Jetty, Spring MVC controllers behind the
 * filter the Spring Boot starter registers, or WebFlux controllers on Netty, which call it on the
 * session manager's store scheduler (its calls block on the store).
 *
 * <p>Results are plain maps that either app renders as JSON; refusals are {@link PortalException}s.
 * A {@link dev.sessionkit.StoreUnavailableException} passes through, and the app answers 503.
 * Thread-safe.
 */
public final class Portal {

    /** The attribute that counts visits. */
    static final String VISITS = "visits";
    /** Preferences are attributes of their own, so concurrent writes of different names merge. */
    static final String PREF_PREFIX = "pref.";
    /** How many preferences one session may keep: one anonymous client cannot grow a session without bound. */
    static final int MAX_PREFS = 32;

    /**
     * Headers for the HTML pages: never cached (they show the session), and a policy that allows
     * nothing but their own inline style and script.
     */
    public static final Map<String, String> PAGE_HEADERS = Map.of(
            "Cache-Control", "no-store",
            "Content-Security-Policy", Dashboard.CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "same-origin");

    private static final Pattern PREF_NAME = Pattern.compile("[a-z0-9_-]{1,32}");
    private static final int ADMIN_BATCH = 500;

    private final SessionManager manager;

    /** @param manager the application's session manager */
    public Portal(SessionManager manager) {
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    /** The manager. */
    public SessionManager manager() {
        return manager;
    }

    // ---- signing in and out ----

    /**
     * {@code POST /api/login}: signs in with a JSON body {@code {"username","password"}}.
     *
     * @throws PortalException {@code bad_request}, {@code payload_too_large} or {@code invalid_credentials}
     */
    public Map<String, Object> apiLogin(SessionContext context, InputStream body, long declaredLength) throws IOException {
        JsonNode json = Json.parse(Bodies.read(body, declaredLength));
        JsonNode username = json.get("username");
        JsonNode password = json.get("password");
        if (!json.isObject() || username == null || !username.isTextual() || password == null || !password.isTextual()) {
            throw PortalException.badRequest();
        }
        DemoUsers.User user = DemoUsers.authenticate(username.textValue(), password.textValue())
                .orElseThrow(PortalException::invalidCredentials);
        signIn(context, user);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("user", user.name());
        answer.put("roles", user.roles());
        return answer;
    }

    /**
     * Signs a user in on this request's session: an anonymous session keeps its data (visits,
     * preferences), a session of another user starts empty; either way the id is regenerated and
     * the absolute lifetime restarts.
     */
    private static void signIn(SessionContext context, DemoUsers.User user) {
        Session session = context.getOrCreate();
        Optional<String> previous = session.principal();
        if (previous.isPresent() && !previous.get().equals(user.name())) {
            session.clear();
        }
        session.login(user.name());
    }

    /** {@code POST /api/logout}: ends the session, if any, and clears the cookie, even a dead one. */
    public void logout(SessionContext context) {
        context.invalidate();
    }

    /**
     * {@code POST /api/logout-all}: ends every session of the signed-in user, this one included.
     *
     * @throws PortalException {@code unauthenticated}
     */
    public Map<String, Object> logoutEverywhere(SessionContext context) {
        DemoUsers.User user = requireUser(context);
        int revoked = manager.revokeAll(user.name(), SessionStatus.REVOKED);
        context.invalidate(); // this session is among them; clear its cookie
        return Map.of("revoked", revoked);
    }

    /**
     * {@code POST /api/logout-others}: "sign out my other devices" — ends every other session of
     * the signed-in user, in one store operation; this one stays.
     *
     * @throws PortalException {@code unauthenticated}
     */
    public Map<String, Object> logoutOtherDevices(SessionContext context) {
        requireUser(context);
        return Map.of("revoked", context.signOutOtherDevices());
    }

    // ---- the session itself ----

    /** {@code GET /api/session}: what the session holds; creates no session. */
    public Map<String, Object> sessionInfo(SessionContext context) {
        Optional<Session> session = context.session();
        Optional<String> user = session.flatMap(Session::principal);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("authenticated", user.isPresent());
        answer.put("user", user.orElse(null));
        answer.put("visits", session.map(Portal::visits).orElse(0L));
        answer.put("prefs", session.map(Portal::prefs).orElse(Map.of()));
        answer.put("createdAt", session.map(s -> iso(s.createdAt())).orElse(null));
        answer.put("expiresAt", session.map(s -> iso(s.expiresAt())).orElse(null));
        return answer;
    }

    /** {@code GET /api/session/test-session}: creates the session when needed and counts a visit atomically. */
    public Map<String, Object> countVisit(SessionContext context) {
        return Map.of(VISITS, context.getOrCreate().increment(VISITS, 1));
    }

    /**
     * {@code PUT /api/session/prefs/{name}}: stores a JSON value under a preference name.
     *
     * @throws PortalException {@code bad_request} for a bad name, malformed JSON or a value no
     *     store can hold; {@code payload_too_large} for a body over {@link Bodies#MAX_BYTES}, a
     *     {@link #MAX_PREFS}th-plus preference, or a value over the session's size or depth limits
     */
    public void putPref(SessionContext context, String name, InputStream body, long declaredLength)
            throws IOException {
        checkPrefName(name);
        JsonNode value = Json.parse(Bodies.read(body, declaredLength));
        Session session = context.getOrCreate();
        boolean added = !session.contains(PREF_PREFIX + name);
        if (added && session.attributeNames().stream().filter(n -> n.startsWith(PREF_PREFIX)).count() >= MAX_PREFS) {
            throw PortalException.payloadTooLarge();
        }
        try {
            session.set(PREF_PREFIX + name, value);
        } catch (AttributeSerializationException e) {
            // too big or too deep for the session's limits: the client sent too much
            throw e.isLimit() ? PortalException.payloadTooLarge() : PortalException.badRequest();
        }
    }

    /** {@code DELETE /api/session/prefs/{name}}; creates no session. */
    public void deletePref(SessionContext context, String name) {
        checkPrefName(name);
        context.session().ifPresent(session -> session.remove(PREF_PREFIX + name));
    }

    // ---- the user's sessions ----

    /**
     * {@code GET /api/sessions/me}: the signed-in user's live sessions, this one marked.
     *
     * @throws PortalException {@code unauthenticated}
     */
    public Map<String, Object> mySessions(SessionContext context) {
        DemoUsers.User user = requireUser(context);
        String current = context.session().map(Session::handle).orElse(null);
        List<Map<String, Object>> sessions = manager.sessionsOf(user.name()).stream()
                .map(data -> describe(data, current, false)).toList();
        return Map.of("sessions", sessions);
    }

    /**
     * {@code DELETE /api/sessions/me/{handle}}: ends one of the user's sessions; ending this one
     * is a logout and clears the cookie.
     *
     * @throws PortalException {@code unauthenticated}, or {@code not_found} when the handle names
     *     no live session of this user
     */
    public void revokeMine(SessionContext context, String handle) {
        DemoUsers.User user = requireUser(context);
        boolean mine = handle != null && manager.sessionsOf(user.name()).stream()
                .anyMatch(data -> data.key().value().equals(handle));
        if (!mine) {
            throw PortalException.notFound();
        }
        if (context.session().map(Session::handle).filter(handle::equals).isPresent()) {
            context.invalidate();
        } else if (!manager.revoke(handle, SessionStatus.REVOKED)) {
            throw PortalException.notFound(); // it ended in the meantime
        }
    }

    // ---- administration ----

    /**
     * {@code GET /api/admin/session-stats}.
     *
     * @throws PortalException {@code unauthenticated} or {@code forbidden}
     */
    public Map<String, Object> stats(SessionContext context) {
        requireAdmin(context);
        return statsOf(manager.stats());
    }

    /**
     * {@code GET /api/admin/sessions}: live sessions, oldest first, metadata only (at most 500).
     *
     * @throws PortalException {@code unauthenticated} or {@code forbidden}
     */
    public Map<String, Object> allSessions(SessionContext context) {
        requireAdmin(context);
        String current = context.session().map(Session::handle).orElse(null);
        List<Map<String, Object>> sessions = manager.store().findLive(now(), ADMIN_BATCH).stream()
                .map(data -> describe(data, current, true)).toList();
        return Map.of("sessions", sessions);
    }

    /**
     * {@code DELETE /api/admin/sessions}: ends every live session but the caller's own.
     *
     * @throws PortalException {@code unauthenticated} or {@code forbidden}
     */
    public Map<String, Object> revokeAllButMine(SessionContext context) {
        requireAdmin(context);
        String own = context.session().map(Session::handle).orElse(null);
        int revoked = 0;
        while (true) {
            List<SessionData> batch = manager.store().findLive(now(), ADMIN_BATCH);
            int ended = 0;
            for (SessionData data : batch) {
                String handle = data.key().value();
                if (!handle.equals(own) && manager.revoke(handle, SessionStatus.REVOKED)) {
                    ended++;
                }
            }
            revoked += ended;
            if (batch.size() < ADMIN_BATCH || ended == 0) {
                return Map.of("revoked", revoked);
            }
        }
    }

    // ---- the HTML page ----

    /**
     * {@code GET /}: the login form for an anonymous visitor (creating no session), or the
     * dashboard for a signed-in user, which counts a visit.
     */
    public String page(SessionContext context, boolean loginFailed) {
        Optional<DemoUsers.User> user = currentUser(context);
        if (user.isEmpty()) {
            return Dashboard.loginPage(loginFailed, DemoUsers.names());
        }
        Session session = context.session().orElseThrow();
        long visits = session.increment(VISITS, 1);
        String current = session.handle();
        List<Dashboard.Device> devices = manager.sessionsOf(user.get().name()).stream()
                .map(data -> new Dashboard.Device(data.key().value(), data.key().value().equals(current),
                        data.userAgent(), data.ip(), data.createdAt(), data.lastAccessedAt(), data.expiresAt()))
                .toList();
        Map<String, Object> stats = user.get().isAdmin() ? statsOf(manager.stats()) : null;
        return Dashboard.dashboard(user.get(), visits, devices, stats);
    }

    // ---- helpers ----

    private static void checkPrefName(String name) {
        if (name == null || !PREF_NAME.matcher(name).matches()) {
            throw PortalException.badRequest();
        }
    }

    private static Optional<DemoUsers.User> currentUser(SessionContext context) {
        return context.session().flatMap(Session::principal).flatMap(DemoUsers::byName);
    }

    private static DemoUsers.User requireUser(SessionContext context) {
        return currentUser(context).orElseThrow(PortalException::unauthenticated);
    }

    private static void requireAdmin(SessionContext context) {
        if (!requireUser(context).isAdmin()) {
            throw PortalException.forbidden();
        }
    }

    private static long visits(Session session) {
        return session.get(VISITS, Long.class).orElse(0L);
    }

    private static Map<String, JsonNode> prefs(Session session) {
        Map<String, JsonNode> prefs = new TreeMap<>();
        for (String name : session.attributeNames()) {
            if (name.startsWith(PREF_PREFIX)) {
                session.getJson(name).ifPresent(value -> prefs.put(name.substring(PREF_PREFIX.length()), value));
            }
        }
        return prefs;
    }

    private Map<String, Object> statsOf(SessionStats stats) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("total", stats.total());
        answer.put("active", stats.active());
        answer.put("expired", stats.expired());
        answer.put("store", manager.store().name());
        return answer;
    }

    /** A session's metadata, never its attributes. */
    private static Map<String, Object> describe(SessionData data, String currentHandle, boolean withUser) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("handle", data.key().value());
        if (withUser) {
            answer.put("user", data.principal());
        }
        answer.put("current", data.key().value().equals(currentHandle));
        answer.put("ip", data.ip());
        answer.put("userAgent", data.userAgent());
        answer.put("createdAt", iso(data.createdAt()));
        answer.put("lastAccessedAt", iso(data.lastAccessedAt()));
        answer.put("expiresAt", iso(data.expiresAt()));
        return answer;
    }

    private Instant now() {
        return manager.clock().instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** ISO-8601 in UTC, such as {@code 2030-01-01T10:15:30.123Z}. */
    static String iso(Instant instant) {
        return instant.toString();
    }
}
