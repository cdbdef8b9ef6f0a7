/**
 * sessionkit's API and engine. Adapters call {@link dev.sessionkit.SessionManager}; applications
 * use {@link dev.sessionkit.Session}; stores implement {@link dev.sessionkit.SessionStore} and
 * register a {@link dev.sessionkit.StoreProvider}; configuration is {@link dev.sessionkit.SessionSettings}.
 */
package dev.sessionkit;
