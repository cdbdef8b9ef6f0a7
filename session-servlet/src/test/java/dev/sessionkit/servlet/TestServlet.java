package dev.sessionkit.servlet;

import dev.sessionkit.AttributeSerializationException;
import dev.sessionkit.Session;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.servlet.app.Cart;
import dev.sessionkit.servlet.app.Exploding;
import dev.sessionkit.servlet.app.Profile;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The application the tests drive: plain servlet code that knows only {@code HttpSession}, plus
 * endpoints that use the core API (the atomic increment, sessions created through
 * {@link SessionFilter#context}). Answers {@code key=value} lines; failures it expects are caught
 * and reported as such lines, never as exception text.
 */
final class TestServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        resp.setContentType("text/plain;charset=UTF-8");
        switch (path) {
            case "/peek" -> peek(req, resp);
            case "/create-empty" -> lines(resp, "new", req.getSession().isNew());
            case "/set" -> {
                HttpSession session = req.getSession();
                session.setAttribute(req.getParameter("name"), req.getParameter("value"));
                lines(resp, "new", session.isNew(), "id", session.getId());
            }
            case "/relogin" -> { // a new session for a different user, in the request that ends the old one
                req.getSession(false).invalidate();
                HttpSession fresh = req.getSession(true);
                fresh.setAttribute("fresh", "yes");
                lines(resp, "new", fresh.isNew());
            }
            case "/late-mutate" -> { // a new cart, stored when the flush commits the response, then changed
                Cart cart = new Cart();
                cart.add("apple");
                req.getSession(true).setAttribute("cart", cart);
                resp.getWriter().write("items=flushed\n");
                resp.flushBuffer();
                cart.add("pear");
            }
            case "/remove" -> {
                req.getSession(false).removeAttribute(req.getParameter("name"));
                lines(resp, "removed", req.getParameter("name"));
            }
            case "/get" -> {
                HttpSession session = req.getSession(false);
                Object value = session == null ? null : session.getAttribute(req.getParameter("name"));
                lines(resp, "value", value, "type", value == null ? null : value.getClass().getSimpleName(),
                        "id", session == null ? null : session.getId());
            }
            case "/table-set" -> tableSet(req, resp);
            case "/table-read" -> tableRead(req, resp);
            case "/cart" -> cart(req, resp);
            case "/early" -> early(req, resp);
            case "/core-create" -> {
                Session session = SessionFilter.context(req).orElseThrow().getOrCreate();
                session.set("via", "core");
                lines(resp, "handle", session.handle());
            }
            case "/core-then-servlet" -> {
                Session session = SessionFilter.context(req).orElseThrow().getOrCreate();
                HttpSession httpSession = req.getSession(true);
                httpSession.setAttribute("via", "both");
                lines(resp, "sameSession", session.handle().equals(httpSession.getId()));
            }
            case "/refuse" -> refuse(req, resp);
            case "/unreadable" -> unreadable(req, resp);
            case "/bad" -> bad(req, resp);
            case "/login" -> {
                HttpSession session = req.getSession();
                session.setAttribute("user", req.getParameter("user"));
                req.changeSessionId();
                resp.sendRedirect(req.getContextPath() + "/app/get?name=user");
            }
            case "/limited-login" -> { // signs in under a per-user limit set by the request, as Spring's strategy does
                SessionContext context = SessionFilter.context(req).orElseThrow();
                req.getSession().setAttribute("user", req.getParameter("user"));
                context.getOrCreate().login(req.getParameter("user"));
                context.limitLogin(Integer.parseInt(req.getParameter("max")),
                        dev.sessionkit.SessionLimitMode.valueOf(req.getParameter("mode")));
                if (req.getParameter("body") != null) {
                    lines(resp, "signed-in", req.getParameter("user"));
                } else {
                    resp.sendRedirect(req.getContextPath() + "/app/get?name=user");
                }
            }
            case "/other-devices" -> lines(resp, "ended",
                    SessionFilter.context(req).orElseThrow().signOutOtherDevices());
            case "/signin" -> { // sessionkit's own login: principal set, id rotated, as id renewal needs
                Session session = SessionFilter.context(req).orElseThrow().getOrCreate();
                session.login(req.getParameter("user"));
                req.getSession().setAttribute("user", req.getParameter("user"));
                lines(resp, "id", session.handle());
            }
            case "/logout" -> logout(req, resp);
            case "/stream" -> stream(req, resp);
            case "/error" -> {
                req.getSession().setAttribute("before-error", "yes");
                resp.sendError(HttpServletResponse.SC_FORBIDDEN);
            }
            case "/forward" -> req.getRequestDispatcher("/app/set").forward(req, resp);
            case "/increment" -> {
                SessionContext context = SessionFilter.context(req).orElseThrow();
                lines(resp, "value", context.getOrCreate().increment("counter", 1));
            }
            case "/max-inactive" -> {
                HttpSession session = req.getSession();
                String seconds = req.getParameter("seconds");
                if (seconds != null) {
                    session.setMaxInactiveInterval(Integer.parseInt(seconds));
                }
                lines(resp, "seconds", session.getMaxInactiveInterval());
            }
            case "/async" -> {
                AsyncContext async = req.startAsync();
                async.start(() -> {
                    try {
                        ((HttpServletRequest) async.getRequest()).getSession().setAttribute("async", "completed");
                        async.getResponse().getWriter().write("done\n");
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    } finally {
                        async.complete();
                    }
                });
            }
            case "/async-dispatch" -> {
                AsyncContext async = req.startAsync();
                async.start(() -> async.dispatch("/app/set?name=async&value=dispatched"));
            }
            case "/fail" -> {
                req.getSession().setAttribute("partial", "yes");
                throw new IllegalStateException("the application failed");
            }
            default -> resp.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    private static void peek(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession(false);
        lines(resp, "session", session == null ? "none" : session.getId(),
                "requested", req.getRequestedSessionId(),
                "valid", req.isRequestedSessionIdValid(),
                "fromCookie", req.isRequestedSessionIdFromCookie(),
                "fromUrl", req.isRequestedSessionIdFromURL());
    }

    /** Sets every value of the attribute table, then reads each back within the same request. */
    private static void tableSet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession();
        Map<String, Object> set = AttributeTable.values();
        set.forEach(session::setAttribute);
        List<Object> report = new ArrayList<>();
        for (Map.Entry<String, Object> entry : set.entrySet()) {
            Object value = session.getAttribute(entry.getKey());
            report.addAll(List.of(entry.getKey() + ".same", value == entry.getValue()));
        }
        describeTable(session, report);
        lines(resp, report.toArray());
    }

    /** Reads every value of the attribute table in a later request. */
    private static void tableRead(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession(false);
        if (session == null) {
            lines(resp, "session", "none");
            return;
        }
        List<Object> report = new ArrayList<>();
        describeTable(session, report);
        lines(resp, report.toArray());
    }

    /**
     * For every attribute of the table: the class {@code getAttribute} returned, whether it equals
     * a fresh instance of what was set, and whether a second call returns the same instance.
     */
    private static void describeTable(HttpSession session, List<Object> report) {
        Map<String, Object> expected = AttributeTable.values();
        for (Map.Entry<String, Object> entry : expected.entrySet()) {
            Object value = session.getAttribute(entry.getKey());
            report.addAll(List.of(entry.getKey() + ".class", value == null ? "null" : value.getClass().getName(),
                    entry.getKey() + ".equal", Objects.deepEquals(value, entry.getValue()),
                    entry.getKey() + ".sameAgain", value != null && value == session.getAttribute(entry.getKey())));
        }
        Object intKeys = session.getAttribute("intKeys");
        report.addAll(List.of("intKeys.get7", intKeys instanceof Map<?, ?> map ? map.get(7) : "not a map",
                "decimal.text", String.valueOf(session.getAttribute("decimal")),
                "names", sorted(session.getAttributeNames())));
    }

    /** A cart changed in place: {@code new} sets it, {@code add} changes the instance read back, {@code show} only reads. */
    private static void cart(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession();
        switch (req.getParameter("op")) {
            case "new" -> {
                Cart cart = new Cart();
                cart.add(req.getParameter("item"));
                session.setAttribute("cart", cart);
            }
            case "add" -> ((Cart) session.getAttribute("cart")).add(req.getParameter("item"));
            case "show" -> {
                // read only
            }
            default -> throw new IllegalArgumentException(req.getParameter("op"));
        }
        Cart cart = (Cart) session.getAttribute("cart");
        lines(resp, "items", cart == null ? null : cart.getItems());
    }

    /**
     * A new session whose first attribute is set only after the body committed the response (as a
     * {@code @ResponseBody} handler with {@code @SessionAttributes} does); with {@code set=false},
     * nothing is set at all.
     */
    private static void early(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession(true);
        PrintWriter writer = resp.getWriter();
        switch (req.getParameter("mode")) {
            case "flush" -> {
                writer.write("body=first\n");
                resp.flushBuffer();
            }
            case "large" -> {
                writer.write("body=first\n");
                writeChars(writer, resp.getBufferSize() * 2);
                writer.write("\n");
            }
            default -> throw new IllegalArgumentException(req.getParameter("mode"));
        }
        boolean committed = resp.isCommitted();
        if (!"false".equals(req.getParameter("set"))) {
            session.setAttribute("x", "v");
        }
        writer.write("committedBeforeSet=" + committed + "\n");
    }

    /** Values outside the allow-list, and too large ones, are refused at setAttribute; the session keeps what it had. */
    private static void refuse(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession(false);
        List<Object> report = new ArrayList<>();
        int max = Integer.parseInt(req.getParameter("maxBytes"));
        Map<String, Object> attempts = new LinkedHashMap<>();
        attempts.put("direct", new Unlisted());
        attempts.put("nested", new ArrayList<>(List.of(new Profile("ok", 1), new Unlisted())));
        attempts.put("bigString", "x".repeat(max - 1)); // with its quotes, one byte over the limit
        attempts.put("bigBean", new Profile("x".repeat(max), 1));
        for (Map.Entry<String, Object> attempt : attempts.entrySet()) {
            String key = attempt.getKey();
            try {
                session.setAttribute("kept", attempt.getValue());
                report.addAll(List.of(key + ".thrown", false));
            } catch (AttributeSerializationException e) {
                report.addAll(List.of(key + ".thrown", true, key + ".reason", e.reason(),
                        key + ".attribute", e.attributeName(),
                        key + ".namesClass", e.getMessage().contains(Unlisted.class.getName()),
                        key + ".namesTypesSetting", e.getMessage().contains(SessionSettings.SESSION_ATTRIBUTE_TYPES),
                        key + ".namesSizeSetting", e.getMessage().contains(SessionSettings.SESSION_MAX_ATTRIBUTE_SIZE)));
            }
            report.addAll(List.of(key + ".after", session.getAttribute("kept")));
        }
        session.setAttribute("fits", "x".repeat(max - 2)); // exactly the limit, with its quotes
        report.addAll(List.of("fits", ((String) session.getAttribute("fits")).length(),
                "names", sorted(session.getAttributeNames())));
        lines(resp, report.toArray());
    }

    /** A session holding attributes whose stored JSON cannot be read: the rest works, and one more is written. */
    private static void unreadable(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession(false);
        Object ghost = session.getAttribute("ghost");
        Object gadget = session.getAttribute("gadget");
        String names = sorted(session.getAttributeNames()).toString();
        Object user = session.getAttribute("user");
        session.setAttribute("after", "written");
        lines(resp, "ghost", ghost, "gadget", gadget, "names", names, "user", user,
                "gadgetInitialized", Gadget.Marker.initialized, "gadgetInstantiated", Gadget.Marker.instantiated);
    }

    private static void bad(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession();
        session.setAttribute("ok", "fine");
        try {
            session.setAttribute("widget", new Exploding());
            lines(resp, "thrown", false);
        } catch (AttributeSerializationException e) {
            lines(resp, "thrown", true, "reason", e.reason(), "attribute", e.attributeName(), "message", e.getMessage(),
                    "after", session.getAttribute("widget"));
        }
    }

    private static void logout(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession(false);
        if (session == null) {
            // no live session, but maybe a dead cookie: clear it
            SessionFilter.context(req).ifPresent(SessionContext::invalidate);
            lines(resp, "had", false);
            return;
        }
        session.invalidate();
        String after;
        try {
            session.getAttribute("user");
            after = "usable";
        } catch (IllegalStateException e) {
            after = "IllegalStateException";
        }
        lines(resp, "had", true, "afterInvalidate", after, "newSession", req.getSession(false));
    }

    private static void stream(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String mode = req.getParameter("mode");
        int size = Integer.parseInt(req.getParameter("size"));
        req.getSession().setAttribute("streamed", mode);
        byte[] chunk = new byte[1024];
        Arrays.fill(chunk, (byte) 'x');
        switch (mode) {
            case "writer-flush" -> {
                PrintWriter writer = resp.getWriter();
                writer.write("x");
                writer.flush();
                writeChars(writer, size - 1);
            }
            case "writer-large" -> writeChars(resp.getWriter(), size);
            case "stream-large" -> writeBytes(resp.getOutputStream(), chunk, size);
            case "flush-buffer" -> {
                resp.flushBuffer();
                writeBytes(resp.getOutputStream(), chunk, size);
            }
            case "content-length" -> {
                resp.setContentLength(size);
                writeBytes(resp.getOutputStream(), chunk, size);
            }
            default -> throw new IllegalArgumentException(mode);
        }
    }

    private static void writeChars(PrintWriter writer, int size) {
        char[] chars = new char[1024];
        Arrays.fill(chars, 'x');
        for (int left = size; left > 0; left -= chars.length) {
            writer.write(chars, 0, Math.min(left, chars.length));
        }
    }

    private static void writeBytes(OutputStream out, byte[] chunk, int size) throws IOException {
        for (int left = size; left > 0; left -= chunk.length) {
            out.write(chunk, 0, Math.min(left, chunk.length));
        }
    }

    private static List<String> sorted(java.util.Enumeration<String> names) {
        List<String> list = java.util.Collections.list(names);
        list.sort(null);
        return list;
    }

    private static void lines(HttpServletResponse resp, Object... pairs) throws IOException {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            out.append(pairs[i]).append('=').append(pairs[i + 1]).append('\n');
        }
        resp.getWriter().write(out.toString());
    }

    /** An application class outside the allowed attribute types (only {@code dev.sessionkit.servlet.app.} is allowed). */
    public static final class Unlisted {
        public String getValue() {
            return "unlisted";
        }
    }
}
