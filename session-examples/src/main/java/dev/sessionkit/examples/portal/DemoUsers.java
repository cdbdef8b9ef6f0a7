package dev.sessionkit.examples.portal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The three demo accounts: {@code alice} and {@code bob} (role {@code user}) and {@code admin}
 * (role {@code admin}); each password is the name followed by {@code -password}. A real
 * application asks its user directory instead. Passwords are compared in constant time.
 */
public final class DemoUsers {

    /** The role that may see store statistics and end every session. */
    public static final String ADMIN = "admin";

    /**
     * A signed-in user.
     *
     * @param name  the user name, which is the session's principal
     * @param roles the roles, in a stable order
     */
    public record User(String name, List<String> roles) {

        /** Copies the roles. */
        public User {
            roles = List.copyOf(roles);
        }

        /** True for administrators. */
        public boolean isAdmin() {
            return roles.contains(ADMIN);
        }
    }

    private record Account(User user, byte[] password) {
    }

    private static final Map<String, Account> ACCOUNTS = Map.of(
            "alice", account("alice", "alice-password", "user"),
            "bob", account("bob", "bob-password", "user"),
            "admin", account("admin", "admin-password", ADMIN));

    private DemoUsers() {
    }

    /** The user whose name and password these are; empty when either is wrong or null. */
    public static Optional<User> authenticate(String name, String password) {
        if (name == null || password == null) {
            return Optional.empty();
        }
        Account account = ACCOUNTS.get(name);
        byte[] given = password.getBytes(StandardCharsets.UTF_8);
        // compare against something even for unknown names, so timing does not tell which names exist
        byte[] expected = account == null ? ACCOUNTS.get("alice").password() : account.password();
        boolean matches = MessageDigest.isEqual(given, expected);
        return account != null && matches ? Optional.of(account.user()) : Optional.empty();
    }

    /** The user a session's principal names; empty for a principal that is not a demo user. */
    public static Optional<User> byName(String name) {
        return Optional.ofNullable(name == null ? null : ACCOUNTS.get(name)).map(Account::user);
    }

    /** The names of all demo users, for the login page. */
    public static Set<String> names() {
        return ACCOUNTS.keySet();
    }

    private static Account account(String name, String password, String role) {
        return new Account(new User(name, List.of(role)), password.getBytes(StandardCharsets.UTF_8));
    }
}
