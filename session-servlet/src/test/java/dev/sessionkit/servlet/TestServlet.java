package dev.sessionkit.servlet;

import dev.sessionkit.AttributeSerializationException;
import dev.sessionkit.SessionContext;
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

/**
 * The application the tests drive: plain servlet code that knows only {@code HttpSession}, plus
 * one endpoint that uses the core API for the atomic increment. Answers {@code key=value} lines.
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
            case "/get" -> {
                HttpSession session = req.getSession(false);
                Object value = session == null ? null : session.getAttribute(req.getParameter("name"));
                lines(resp, "value", value, "type", value == null ? null : value.getClass().getSimpleName(),
                        "id", session == null ? null : session.getId());
            }
            case "/types" -> types(req, resp);
            case "/types-read" -> typesRead(req, resp);
            case "/bad" -> bad(req, resp);
            case "/login" -> {
                HttpSession session = req.getSession();
                session.setAttribute("user", req.getParameter("user"));
                req.changeSessionId();
                resp.sendRedirect(req.getContextPath() + "/app/get?name=user");
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

    private static void types(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession();
        List<String> list = new ArrayList<>(List.of("a", "b"));
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("k", 1);
        session.setAttribute("string", "text");
        session.setAttribute("int", 42);
        session.setAttribute("long", 1L << 40);
        session.setAttribute("double", 2.5);
        session.setAttribute("bool", true);
        session.setAttribute("list", list);
        session.setAttribute("map", map);
        session.setAttribute("bean", new Cart("c-1", 3));
        list.add("mutated-after-set");
        lines(resp, "sameInstance", session.getAttribute("list") == list && session.getAttribute("map") == map,
                "listSeen", session.getAttribute("list"));
    }

    private static void typesRead(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession(false);
        StringBuilder out = new StringBuilder();
        for (String name : List.of("string", "int", "long", "double", "bool", "list", "map", "bean")) {
            Object value = session.getAttribute(name);
            out.append(name).append('=').append(value).append(" (").append(value.getClass().getSimpleName())
                    .append(")\n");
        }
        Object first = session.getAttribute("map");
        out.append("sameInstanceWithinRequest=").append(first == session.getAttribute("map")).append('\n');
        out.append("names=").append(sorted(session.getAttributeNames())).append('\n');
        resp.getWriter().write(out.toString());
    }

    private static void bad(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession();
        session.setAttribute("ok", "fine");
        try {
            session.setAttribute("widget", new Exploding());
            lines(resp, "thrown", false);
        } catch (AttributeSerializationException e) {
            lines(resp, "thrown", true, "attribute", e.attributeName(), "message", e.getMessage(),
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

    /** A bean: stored as a JSON object, read back as a Map by HttpSession, as a Cart through the core API. */
    public record Cart(String id, int items) {
    }

    /** A value Jackson cannot write: its only property throws. */
    public static final class Exploding {
        public String getValue() {
            throw new UnsupportedOperationException("no value");
        }
    }
}
