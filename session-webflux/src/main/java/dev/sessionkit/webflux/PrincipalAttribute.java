package dev.sessionkit.webflux;

import java.util.function.Function;

/**
 * The attribute a session's principal follows ({@link SessionkitWebSessionManager.Builder#principalAttribute}).
 *
 * @param name the attribute's name
 * @param mapping the user's name for a stored value, or null
 */
record PrincipalAttribute(String name, Function<Object, String> mapping) {

    /** The principal for {@code value}: the mapping's answer, null when it gives an empty name. */
    String principalOf(Object value) {
        String user = mapping.apply(value);
        return user == null || user.isEmpty() ? null : user;
    }
}
