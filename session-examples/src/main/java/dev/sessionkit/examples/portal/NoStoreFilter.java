package dev.sessionkit.examples.portal;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code Cache-Control: no-store} on every answer of the JSON API ({@code /api/*}): they show the
 * signed-in user's sessions, devices and preferences, and a shared cache or the browser's back
 * button must not keep them after a logout. The session filter adds the same header only to
 * answers that change the cookie. Thread-safe.
 */
public final class NoStoreFilter implements Filter {

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (response instanceof HttpServletResponse http) {
            http.setHeader("Cache-Control", "no-store");
        }
        chain.doFilter(request, response);
    }
}
