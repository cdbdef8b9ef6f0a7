package com.example.acme;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Stands in for a remote key-value server: named namespaces of byte values that outlive the
 * stores connected to them, as a database outlives an application restart. Values are opaque
 * bytes, so the store must encode and decode sessions as a real remote store does.
 */
final class AcmeServer {

    private static final Map<String, Namespace> NAMESPACES = new ConcurrentHashMap<>();

    private AcmeServer() {
    }

    static Namespace namespace(String name) {
        return NAMESPACES.computeIfAbsent(name, n -> new Namespace());
    }

    /** One namespace: insertion-ordered entries behind one lock, the server's transaction. */
    static final class Namespace {
        final ReentrantLock lock = new ReentrantLock();
        final Map<String, byte[]> entries = new LinkedHashMap<>();
    }
}
