package dev.sessionkit.examples.portal;

/**
 * A request the portal refuses, as an HTTP status and the error code of the JSON body
 * {@code {"error": "<code>"}}. Both demo apps turn it into that response; it carries nothing else,
 * so no detail of the failure reaches the client.
 */
public final class PortalException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    private PortalException(int status, String code) {
        super(code, null, false, false);
        this.status = status;
        this.code = code;
    }

    /** 400 {@code bad_request}: malformed JSON, a missing field, a bad name or a value no store can hold. */
    public static PortalException badRequest() {
        return new PortalException(400, "bad_request");
    }

    /** 401 {@code unauthenticated}: the endpoint needs a signed-in user. */
    public static PortalException unauthenticated() {
        return new PortalException(401, "unauthenticated");
    }

    /** 401 {@code invalid_credentials}: wrong user name or password. */
    public static PortalException invalidCredentials() {
        return new PortalException(401, "invalid_credentials");
    }

    /** 403 {@code forbidden}: signed in, but not allowed. */
    public static PortalException forbidden() {
        return new PortalException(403, "forbidden");
    }

    /** 404 {@code not_found}. */
    public static PortalException notFound() {
        return new PortalException(404, "not_found");
    }

    /** 413 {@code payload_too_large}: a body over {@link Bodies#MAX_BYTES}. */
    public static PortalException payloadTooLarge() {
        return new PortalException(413, "payload_too_large");
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The error code for the JSON body. */
    public String code() {
        return code;
    }
}
