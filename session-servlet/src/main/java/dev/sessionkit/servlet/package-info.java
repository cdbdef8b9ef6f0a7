/**
 * Jakarta Servlet 6 integration: {@link dev.sessionkit.servlet.SessionFilter} makes
 * {@code HttpServletRequest.getSession()} run on sessionkit, in any Servlet 6 container and for any
 * framework that uses the servlet session (Spring Security, Jersey, JSF).
 *
 * <p>The entry point is {@link dev.sessionkit.servlet.SessionFilter#register(jakarta.servlet.ServletContext,
 * dev.sessionkit.SessionManager)}, or {@link dev.sessionkit.servlet.SessionFilter#builder(dev.sessionkit.SessionManager)}
 * for embedded containers. {@link dev.sessionkit.servlet.StoreUnavailableHandler} decides what a client sees
 * when the store is down. Everything else here is package-private plumbing.
 */
package dev.sessionkit.servlet;
