package dev.sessionkit.spring;

import dev.sessionkit.AppEnvironment;
import dev.sessionkit.SameSite;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * sessionkit's Spring properties, under {@code sessionkit}. Every property left unset keeps what
 * the plain environment variable of the same meaning says ({@code SESSION_TTL},
 * {@code DATABASE_URL}, …), then Boot's {@code server.servlet.session.*}, then sessionkit's
 * default.
 *
 * <p>This class only carries values: they are mapped into {@link dev.sessionkit.SessionSettings}'s
 * builder, which validates them and names the setting in its error.
 */
@ConfigurationProperties("sessionkit")
public class SessionkitProperties {

    /** Early, as Spring Session's filter: before Spring Security and every filter that reads the session. */
    static final int DEFAULT_FILTER_ORDER = Integer.MIN_VALUE + 50;

    /** development (forgiving: memory store, generated secret) or production (strict). Env: APP_ENV. */
    private AppEnvironment environment;

    /**
     * auto or a store's name (memory, postgres, or a third-party store's); auto picks postgres when
     * a database is configured. A store's own settings are sessionkit.&lt;store&gt;.* (for example
     * sessionkit.postgres.pool-size). Env: SESSION_STORE.
     */
    private String store;

    /** Shorthand for sessionkit.postgres.database-url. Env: DATABASE_URL. */
    private String databaseUrl;

    /** Signing secrets, newest first: the first signs and all verify. Env: SESSION_SECRET. */
    private List<String> secrets;

    /** Idle timeout. Env: SESSION_TTL. */
    private Duration ttl;

    /** Hard limit from creation or login, whatever the activity. Env: SESSION_ABSOLUTE_TTL. */
    private Duration absoluteTtl;

    /** A read-only request writes the expiry only when the last touch is older than this. Env: SESSION_TOUCH_INTERVAL. */
    private Duration touchInterval;

    /** Send the cookie again whenever the expiry moves. Env: SESSION_ROLLING. */
    private Boolean rolling;

    /** Write the expiry on every request, ignoring the touch interval. Env: SESSION_RESAVE. */
    private Boolean resave;

    /** Store new sessions even when nothing was set in them. Env: SESSION_SAVE_UNINITIALIZED. */
    private Boolean saveUninitialized;

    /** Believe X-Forwarded-Proto and X-Forwarded-For. Env: SESSION_TRUST_PROXY. */
    private Boolean trustProxy;

    /**
     * TLS ends at the trusted proxy in front of the application: needs trust-proxy; the only way to
     * turn cookie.secure off in production, and then Secure follows X-Forwarded-Proto. Env:
     * SESSION_TLS_OFFLOADED.
     */
    private Boolean tlsOffloaded;

    /** How often expired sessions are purged. Env: SESSION_CLEANUP_INTERVAL. */
    private Duration cleanupInterval;

    /**
     * Packages (ending in {@code .}) and classes attributes may hold, beside the application's own
     * packages, which are allowed automatically. Env: SESSION_ATTRIBUTE_TYPES.
     */
    private List<String> attributeTypes;

    /** Whether values changed in place are saved: on_change or on_set. Env: SESSION_SAVE_MODE. */
    private dev.sessionkit.SaveMode saveMode;

    /**
     * How many live sessions one user may have, enforced by the store at each login (Spring
     * Security's maximumSessions does the same, per login). Env: SESSION_MAX_PER_USER.
     */
    private Integer maxSessionsPerUser;

    /** replace_oldest (the default) or refuse_new. Env: SESSION_MAX_PER_USER_MODE. */
    private dev.sessionkit.SessionLimitMode maxSessionsPerUserMode;

    /**
     * A request and response header that carries the signed session id besides the cookie, for API
     * and mobile clients (such as X-Session-Token); off when unset. Env: SESSION_HEADER.
     */
    private String sessionHeader;

    /**
     * A signed-in session whose id is this old gets a new id on its next request; unset, never.
     * Env: SESSION_RENEWAL_INTERVAL.
     */
    private Duration renewalInterval;

    /**
     * How long the id before a renewal keeps working for requests in flight (default 5s).
     * Env: SESSION_RENEWAL_GRACE.
     */
    private Duration renewalGrace;

    private final Limits limits = new Limits();

    private final Cookie cookie = new Cookie();

    private final Servlet servlet = new Servlet();

    public AppEnvironment getEnvironment() {
        return environment;
    }

    public void setEnvironment(AppEnvironment environment) {
        this.environment = environment;
    }

    public String getStore() {
        return store;
    }

    public void setStore(String store) {
        this.store = store;
    }

    public String getDatabaseUrl() {
        return databaseUrl;
    }

    public void setDatabaseUrl(String databaseUrl) {
        this.databaseUrl = databaseUrl;
    }

    public List<String> getSecrets() {
        return secrets;
    }

    public void setSecrets(List<String> secrets) {
        this.secrets = secrets;
    }

    public Duration getTtl() {
        return ttl;
    }

    public void setTtl(Duration ttl) {
        this.ttl = ttl;
    }

    public Duration getAbsoluteTtl() {
        return absoluteTtl;
    }

    public void setAbsoluteTtl(Duration absoluteTtl) {
        this.absoluteTtl = absoluteTtl;
    }

    public Duration getTouchInterval() {
        return touchInterval;
    }

    public void setTouchInterval(Duration touchInterval) {
        this.touchInterval = touchInterval;
    }

    public Boolean getRolling() {
        return rolling;
    }

    public void setRolling(Boolean rolling) {
        this.rolling = rolling;
    }

    public Boolean getResave() {
        return resave;
    }

    public void setResave(Boolean resave) {
        this.resave = resave;
    }

    public Boolean getSaveUninitialized() {
        return saveUninitialized;
    }

    public void setSaveUninitialized(Boolean saveUninitialized) {
        this.saveUninitialized = saveUninitialized;
    }

    public Boolean getTrustProxy() {
        return trustProxy;
    }

    public void setTrustProxy(Boolean trustProxy) {
        this.trustProxy = trustProxy;
    }

    public Boolean getTlsOffloaded() {
        return tlsOffloaded;
    }

    public void setTlsOffloaded(Boolean tlsOffloaded) {
        this.tlsOffloaded = tlsOffloaded;
    }

    public Duration getCleanupInterval() {
        return cleanupInterval;
    }

    public void setCleanupInterval(Duration cleanupInterval) {
        this.cleanupInterval = cleanupInterval;
    }

    public List<String> getAttributeTypes() {
        return attributeTypes;
    }

    public void setAttributeTypes(List<String> attributeTypes) {
        this.attributeTypes = attributeTypes;
    }

    public Integer getMaxSessionsPerUser() {
        return maxSessionsPerUser;
    }

    public void setMaxSessionsPerUser(Integer maxSessionsPerUser) {
        this.maxSessionsPerUser = maxSessionsPerUser;
    }

    public dev.sessionkit.SessionLimitMode getMaxSessionsPerUserMode() {
        return maxSessionsPerUserMode;
    }

    public void setMaxSessionsPerUserMode(dev.sessionkit.SessionLimitMode maxSessionsPerUserMode) {
        this.maxSessionsPerUserMode = maxSessionsPerUserMode;
    }

    public Duration getRenewalInterval() {
        return renewalInterval;
    }

    public void setRenewalInterval(Duration renewalInterval) {
        this.renewalInterval = renewalInterval;
    }

    public Duration getRenewalGrace() {
        return renewalGrace;
    }

    public void setRenewalGrace(Duration renewalGrace) {
        this.renewalGrace = renewalGrace;
    }

    public dev.sessionkit.SaveMode getSaveMode() {
        return saveMode;
    }

    public void setSaveMode(dev.sessionkit.SaveMode saveMode) {
        this.saveMode = saveMode;
    }

    public String getSessionHeader() {
        return sessionHeader;
    }

    public void setSessionHeader(String sessionHeader) {
        this.sessionHeader = sessionHeader;
    }

    public Limits getLimits() {
        return limits;
    }

    /** Limits checked when an attribute is set. */
    public static class Limits {

        /** Largest JSON of one attribute. Env: SESSION_MAX_ATTRIBUTE_SIZE. */
        private org.springframework.util.unit.DataSize attributeSize;

        /** Largest JSON of all attributes of a session. Env: SESSION_MAX_SESSION_SIZE. */
        private org.springframework.util.unit.DataSize sessionSize;

        /** Most attributes a session may hold. Env: SESSION_MAX_ATTRIBUTES. */
        private Integer attributes;

        /** Deepest nesting of an attribute's JSON. Env: SESSION_MAX_ATTRIBUTE_DEPTH. */
        private Integer depth;

        public org.springframework.util.unit.DataSize getAttributeSize() {
            return attributeSize;
        }

        public void setAttributeSize(org.springframework.util.unit.DataSize attributeSize) {
            this.attributeSize = attributeSize;
        }

        public org.springframework.util.unit.DataSize getSessionSize() {
            return sessionSize;
        }

        public void setSessionSize(org.springframework.util.unit.DataSize sessionSize) {
            this.sessionSize = sessionSize;
        }

        public Integer getAttributes() {
            return attributes;
        }

        public void setAttributes(Integer attributes) {
            this.attributes = attributes;
        }

        public Integer getDepth() {
            return depth;
        }

        public void setDepth(Integer depth) {
            this.depth = depth;
        }
    }

    public Cookie getCookie() {
        return cookie;
    }

    public Servlet getServlet() {
        return servlet;
    }

    /** The session cookie. */
    public static class Cookie {

        /** Cookie name; default __Host-sid in production, sid in development. Env: SESSION_COOKIE_NAME. */
        private String name;

        /** Cookie domain; default none (host-only). Env: SESSION_COOKIE_DOMAIN. */
        private String domain;

        /** Cookie path. Env: SESSION_COOKIE_PATH. */
        private String path;

        /** Secure attribute; unset means automatic (always in production, else by the request scheme). Env: SESSION_COOKIE_SECURE. */
        private Boolean secure;

        /** A Max-Age cookie (true) or a browser-session cookie (false). Env: SESSION_COOKIE_PERSISTENT. */
        private Boolean persistent;

        /** SameSite attribute: strict, lax or none (none needs secure). Env: SESSION_SAME_SITE. */
        private SameSite sameSite;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getDomain() {
            return domain;
        }

        public void setDomain(String domain) {
            this.domain = domain;
        }

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }

        public Boolean getSecure() {
            return secure;
        }

        public void setSecure(Boolean secure) {
            this.secure = secure;
        }

        public Boolean getPersistent() {
            return persistent;
        }

        public void setPersistent(Boolean persistent) {
            this.persistent = persistent;
        }

        public SameSite getSameSite() {
            return sameSite;
        }

        public void setSameSite(SameSite sameSite) {
            this.sameSite = sameSite;
        }
    }

    /** The servlet filter. */
    public static class Servlet {

        /** Order of the session filter; it must run before Spring Security's filter chain (-100). */
        private int filterOrder = DEFAULT_FILTER_ORDER;

        public int getFilterOrder() {
            return filterOrder;
        }

        public void setFilterOrder(int filterOrder) {
            this.filterOrder = filterOrder;
        }
    }
}
