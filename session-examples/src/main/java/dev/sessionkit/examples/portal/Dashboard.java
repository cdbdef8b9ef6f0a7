package dev.sessionkit.examples.portal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The two HTML pages of the portal: the login form and the dashboard. One self-contained page
 * each: inline CSS, a few lines of inline script for the buttons that call the JSON API, no
 * external assets. Every value from a client (user agent, ip) is escaped.
 */
final class Dashboard {

    /** A row of the "your sessions" table. */
    record Device(String handle, boolean current, String userAgent, String ip, Instant createdAt, Instant lastSeen,
            Instant expiresAt) {
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private static final String STYLE = """
            *{box-sizing:border-box}
            body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f6f9;color:#1f2933}
            header{background:#1f3a5f;color:#fff;padding:14px 32px;display:flex;align-items:center;justify-content:space-between}
            header h1{font-size:18px;margin:0;font-weight:600;letter-spacing:.3px}
            header .who{font-size:14px;opacity:.9}
            main{max-width:920px;margin:28px auto;padding:0 20px}
            .card{background:#fff;border:1px solid #dde3ea;border-radius:10px;padding:20px 24px;margin-bottom:20px;box-shadow:0 1px 2px rgba(0,0,0,.04)}
            .card h2{font-size:16px;margin:0 0 12px}
            .stats{display:flex;gap:16px;flex-wrap:wrap}
            .stat{flex:1;min-width:140px;background:#f7f9fc;border:1px solid #e4e9f0;border-radius:8px;padding:12px 16px}
            .stat .label{font-size:12px;text-transform:uppercase;letter-spacing:.6px;color:#66788a}
            .stat .value{font-size:26px;font-weight:600}
            table{width:100%;border-collapse:collapse;font-size:14px}
            th{text-align:left;font-weight:600;color:#52606d;border-bottom:2px solid #e4e9f0;padding:8px 6px}
            td{border-bottom:1px solid #edf0f4;padding:8px 6px;vertical-align:top}
            td small{color:#7b8794}
            .badge{display:inline-block;background:#e3f2e8;color:#1e7b3b;border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600}
            .title{display:flex;align-items:center;justify-content:space-between;gap:12px;margin-bottom:12px}
            .title h2{margin:0}
            .actions{display:flex;gap:10px;flex-wrap:wrap}
            td.time{white-space:nowrap}
            button{white-space:nowrap;font:inherit;border:1px solid #1f3a5f;background:#1f3a5f;color:#fff;border-radius:6px;padding:7px 14px;cursor:pointer}
            button.secondary{background:#fff;color:#1f3a5f}
            button.small{padding:3px 10px;font-size:13px}
            form.login{max-width:360px;margin:60px auto}
            label{display:block;font-size:13px;color:#52606d;margin:12px 0 4px}
            input{width:100%;font:inherit;padding:8px 10px;border:1px solid #cbd2d9;border-radius:6px}
            .error{background:#fdecea;color:#a61b1b;border:1px solid #f5c2c0;border-radius:6px;padding:8px 12px;margin-bottom:8px}
            .hint{font-size:13px;color:#7b8794;margin-top:14px}
            """;

    private static final String SCRIPT = """
            document.addEventListener('click', async (event) => {
              const button = event.target.closest('button[data-url]');
              if (!button) return;
              button.disabled = true;
              await fetch(button.dataset.url, {method: button.dataset.method, credentials: 'same-origin'});
              location.href = '/';
            });
            """;

    /**
     * The login form posts JSON to {@code /api/login}: the API takes nothing but JSON, which a
     * cross-site form cannot send (login CSRF).
     */
    private static final String LOGIN_SCRIPT = """
            document.getElementById('login').addEventListener('submit', async (event) => {
              event.preventDefault();
              const form = event.target;
              form.querySelector('button').disabled = true;
              const response = await fetch('/api/login', {method: 'POST', credentials: 'same-origin',
                headers: {'Content-Type': 'application/json'},
                body: JSON.stringify({username: form.username.value, password: form.password.value})});
              location.href = response.ok ? '/' : '/?error=1';
            });
            """;

    private Dashboard() {
    }

    static String loginPage(boolean failed, Set<String> users) {
        StringBuilder html = head("Sign in");
        html.append("<header><h1>sessionkit demo portal</h1></header><main>");
        html.append("<form id=\"login\" class=\"card login\" method=\"post\" action=\"/api/login\">");
        html.append("<h2>Sign in</h2>");
        if (failed) {
            html.append("<div class=\"error\" id=\"login-error\">Wrong user name or password.</div>");
        }
        html.append("<label for=\"username\">User name</label>");
        html.append("<input id=\"username\" name=\"username\" autocomplete=\"username\" required autofocus>");
        html.append("<label for=\"password\">Password</label>");
        html.append("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>");
        html.append("<p><button id=\"sign-in\" type=\"submit\">Sign in</button></p>");
        html.append("<p class=\"hint\">Demo users:");
        for (String user : new TreeSet<>(users)) {
            html.append("<br><code>").append(escape(user)).append("</code> / <code>").append(escape(user))
                    .append("-password</code>");
        }
        html.append("</p></form></main><script>").append(LOGIN_SCRIPT).append("</script></body></html>");
        return html.toString();
    }

    static String dashboard(DemoUsers.User user, long visits, List<Device> devices, Map<String, Object> stats) {
        StringBuilder html = head("Dashboard");
        html.append("<header><h1>sessionkit demo portal</h1><span class=\"who\">signed in as <strong id=\"user\">")
                .append(escape(user.name())).append("</strong> (").append(escape(String.join(", ", user.roles())))
                .append(")</span></header><main>");

        html.append("<section class=\"card\"><div class=\"title\"><h2>Welcome, ").append(escape(user.name()))
                .append("</h2><div class=\"actions\">")
                .append("<button id=\"sign-out\" data-method=\"POST\" data-url=\"/api/logout\">Sign out</button>")
                .append("<button id=\"sign-out-others\" class=\"secondary\" data-method=\"POST\"")
                .append(" data-url=\"/api/logout-others\">Sign out my other devices</button>")
                .append("<button id=\"sign-out-everywhere\" class=\"secondary\" data-method=\"POST\"")
                .append(" data-url=\"/api/logout-all\">Sign out everywhere</button></div></div>");
        html.append("<div class=\"stats\"><div class=\"stat\"><div class=\"label\">Visits this session</div>")
                .append("<div class=\"value\" id=\"visits\">").append(visits).append("</div></div>");
        html.append("<div class=\"stat\"><div class=\"label\">Active sessions</div><div class=\"value\" id=\"session-count\">")
                .append(devices.size()).append("</div></div></div></section>");

        html.append("<section class=\"card\"><h2>Your sessions</h2><table id=\"sessions\"><thead><tr>")
                .append("<th>Device</th><th>IP</th><th>Created (UTC)</th><th>Last seen</th><th>Expires</th><th></th>")
                .append("</tr></thead><tbody>");
        for (Device device : devices) {
            html.append("<tr><td>").append(escape(deviceName(device.userAgent())));
            if (device.current()) {
                html.append(" <span class=\"badge\">this device</span>");
            }
            html.append("<br><small title=\"").append(escape(nullToEmpty(device.userAgent()))).append("\">")
                    .append(escape(abbreviate(nullToEmpty(device.userAgent()), 60))).append("</small></td>");
            html.append("<td>").append(escape(nullToEmpty(device.ip()))).append("</td>");
            html.append("<td class=\"time\">").append(TIME.format(device.createdAt())).append("</td>");
            html.append("<td class=\"time\">").append(TIME.format(device.lastSeen())).append("</td>");
            html.append("<td class=\"time\">").append(TIME.format(device.expiresAt())).append("</td><td>");
            if (!device.current()) {
                html.append("<button class=\"small secondary\" data-method=\"DELETE\" data-url=\"/api/sessions/me/")
                        .append(escape(device.handle())).append("\">sign out</button>");
            }
            html.append("</td></tr>");
        }
        html.append("</tbody></table></section>");

        if (stats != null) {
            html.append("<section class=\"card\" id=\"admin-stats\"><h2>Session store <small>(")
                    .append(escape(String.valueOf(stats.get("store")))).append(")</small></h2><div class=\"stats\">");
            for (String key : List.of("total", "active", "expired")) {
                html.append("<div class=\"stat\"><div class=\"label\">").append(key).append("</div><div class=\"value\">")
                        .append(escape(String.valueOf(stats.get(key)))).append("</div></div>");
            }
            html.append("</div></section>");
        }

        html.append("</main><script>").append(SCRIPT).append("</script></body></html>");
        return html.toString();
    }

    /** The Content-Security-Policy of both pages: nothing but their own inline style and script. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline';"
            + " script-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; base-uri 'none';"
            + " frame-ancestors 'none'";

    private static StringBuilder head(String title) {
        return new StringBuilder(4096).append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(title).append(" · sessionkit demo</title><style>").append(STYLE)
                .append("</style></head><body>");
    }

    /** A short name for a user agent, such as "Chrome on Linux". */
    static String deviceName(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return "Unknown device";
        }
        String ua = userAgent.toLowerCase(Locale.ROOT);
        String browser = ua.contains("edg/") ? "Edge" : ua.contains("chrome/") || ua.contains("chromium/") ? "Chrome"
                : ua.contains("firefox/") ? "Firefox" : ua.contains("safari/") ? "Safari"
                : ua.startsWith("curl/") ? "curl" : ua.contains("java") ? "Java HTTP client" : "Browser";
        String system = ua.contains("android") ? "Android" : ua.contains("iphone") || ua.contains("ipad") ? "iOS"
                : ua.contains("windows") ? "Windows" : ua.contains("mac os") ? "macOS"
                : ua.contains("linux") ? "Linux" : null;
        return system == null ? browser : browser + " on " + system;
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }

    /** Escapes text for HTML element content and quoted attribute values. */
    static String escape(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
