package dev.sessionkit.spring.compat;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.springframework.security.core.CredentialsContainer;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

/** The application's own user: a {@code UserDetails} with a display name beside the username. */
public class AppUser implements UserDetails, CredentialsContainer {

    private static final long serialVersionUID = 1L;

    private final String username;
    private String password;
    private final String displayName;
    private final List<GrantedAuthority> authorities;

    public AppUser(String username, String password, String displayName, Collection<? extends GrantedAuthority> authorities) {
        this.username = username;
        this.password = password;
        this.displayName = displayName;
        this.authorities = List.copyOf(authorities);
    }

    @Override
    public String getUsername() {
        return username;
    }

    @Override
    public String getPassword() {
        return password;
    }

    public String getDisplayName() {
        return displayName;
    }

    @Override
    public Collection<? extends GrantedAuthority> getAuthorities() {
        return authorities;
    }

    @Override
    public void eraseCredentials() {
        password = null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AppUser user && user.username.equals(username);
    }

    @Override
    public int hashCode() {
        return Objects.hash(username);
    }

    @Override
    public String toString() {
        return "AppUser[" + username + "]";
    }
}
