package dev.sessionkit.webflux;

/**
 * The commit refused this exchange's login ({@code SESSION_MAX_PER_USER_MODE=refuse_new}): the
 * session has ended and its cookie is cleared; {@link SessionWebExceptionHandler} answers 403
 * instead of what the application was sending. Carries no stack trace and no detail.
 */
final class LoginRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    LoginRefusedException() {
        super("login refused: the user has reached the per-user session limit", null, false, false);
    }
}
