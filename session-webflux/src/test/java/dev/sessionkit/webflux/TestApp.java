package dev.sessionkit.webflux;

import dev.sessionkit.Session;
import dev.sessionkit.SessionLimitMode;
import dev.sessionkit.SessionManager;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;




/**
 * A small WebFlux application on Reactor Netty, on a free port, with a {@link SessionkitWebSessionManager}:
 * each route does one thing with the {@link WebSession}. Every error that reaches the end of the
 * exception handlers (a {@code BlockingOperationError} from BlockHound among them) is recorded, so
 * a test can fail on it even when the client only sees a 500.
 */
final class TestApp implements AutoCloseable {

    final List<Throwable> unhandled = new CopyOnWriteArrayList<>();
    private final DisposableServer server;

    TestApp(SessionkitWebSessionManager sessions) {
        this(sessions, () -> {
            throw new UnsupportedOperationException("this app cannot take its store down");
        });
    }

    /**
     * @param storeDown makes the store fail, for the endpoints whose commit meets an outage that
     *     begins while they run
     */
    TestApp(SessionkitWebSessionManager sessions, Runnable storeDown) {
        WebExceptionHandler recorder = (exchange, failure) -> {
            unhandled.add(failure);
            return Mono.error(failure);
        };
        HttpHandler handler = WebHttpHandlerBuilder.webHandler(RouterFunctions.toWebHandler(routes(sessions, storeDown)))
                .filter(new SessionCommitWebFilter())
                .sessionManager(sessions)
                .exceptionHandler(new SessionWebExceptionHandler())
                .exceptionHandler(recorder)
                .build();
        server = HttpServer.create().host("127.0.0.1").port(0).handle(new ReactorHttpHandlerAdapter(handler)).bindNow();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    private static RouterFunction<ServerResponse> routes(SessionkitWebSessionManager sessions, Runnable storeDown) {
        SessionManager manager = sessions.manager();
        return RouterFunctions.route()
                .GET("/none", request -> text("no session"))
                .GET("/get", request -> request.session().flatMap(session -> {
                    Object value = session.getAttributes().get(request.queryParam("name").orElseThrow());
                    return text(value == null ? "(none)" : value.getClass().getSimpleName() + ":" + value);
                }))
                .POST("/put", request -> request.session().flatMap(session -> {
                    session.getAttributes().put(request.queryParam("name").orElseThrow(),
                            request.queryParam("value").orElseThrow());
                    return text("ok");
                }))
                .POST("/put-number", request -> request.session().flatMap(session -> {
                    session.getAttributes().put("number", Long.parseLong(request.queryParam("value").orElseThrow()));
                    return text("ok");
                }))
                .POST("/start", request -> request.session().flatMap(session -> {
                    session.start();
                    return text(String.valueOf(session.isStarted()));
                }))
                .GET("/count", request -> SessionkitWebSessionManager.context(request.exchange())
                        .map(context -> context.getOrCreate().increment("count", 1))
                        .flatMap(n -> text(String.valueOf(n))))
                .POST("/rotate", request -> request.session()
                        .flatMap(session -> session.changeSessionId().then(text(session.getId()))))
                .POST("/logout", request -> request.session().flatMap(WebSession::invalidate).then(text("bye")))
                .POST("/logout-then-put", request -> request.session()
                        .flatMap(session -> session.invalidate().then(Mono.fromRunnable(
                                () -> session.getAttributes().put("after", "logout"))))
                        .then(text("ok")))
                .GET("/info", request -> request.session().flatMap(session -> text(session.isStarted()
                        + " " + session.getAttributes().size() + " " + session.getMaxIdleTime().toSeconds()
                        + " " + !session.getCreationTime().isAfter(manager.clock().instant()))))
                .POST("/idle", request -> request.session().flatMap(session -> {
                    session.setMaxIdleTime(Duration.ofSeconds(Long.parseLong(request.queryParam("seconds").orElseThrow())));
                    session.getAttributes().put("idle", "set");
                    return text(String.valueOf(session.getMaxIdleTime().toSeconds()));
                }))
                .POST("/save-then-put", request -> request.session().flatMap(session -> {
                    session.getAttributes().put("first", "1");
                    return session.save().then(Mono.fromRunnable(() -> session.getAttributes().put("second", "2")));
                }).then(text("ok")))
                // a login under a per-user limit of one that refuses new sessions: a redirect that only
                // sets the status and a header and writes nothing (as Spring Security's redirect strategy
                // does: the server completes the response after the handler), or a JSON answer
                .POST("/login", request -> SessionkitWebSessionManager.context(request.exchange()).flatMap(context -> {
                    context.limitLogin(1, SessionLimitMode.REFUSE_NEW);
                    context.getOrCreate().login(request.queryParam("user").orElseThrow());
                    return request.queryParam("json").isPresent()
                            ? ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue("{\"signedIn\":true}")
                            : redirectWithoutWriting(request);
                }))
                .GET("/whoami", request -> SessionkitWebSessionManager.context(request.exchange())
                        .flatMap(context -> text(context.session().flatMap(Session::principal).orElse("(nobody)"))))
                // the store goes down after the session was read and changed: the commit meets the outage
                .POST("/put-then-outage", request -> request.session().flatMap(session -> {
                    session.getAttributes().put("late", "value");
                    storeDown.run();
                    return request.queryParam("redirect").isPresent()
                            ? redirectWithoutWriting(request)
                            : text("saved?");
                }))
                .GET("/sleep", request -> {
                    try {
                        Thread.sleep(1); // on the event loop: BlockHound must refuse it
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return text("slept");
                })
                .build();
    }

    /** Sets 302 and a {@code Location} on the exchange's response and writes nothing. */
    private static Mono<ServerResponse> redirectWithoutWriting(ServerRequest request) {
        request.exchange().getResponse().setStatusCode(HttpStatus.FOUND);
        request.exchange().getResponse().getHeaders().setLocation(URI.create("/home"));
        return Mono.empty();
    }

    private static Mono<ServerResponse> text(String body) {
        return ServerResponse.ok().contentType(MediaType.TEXT_PLAIN).bodyValue(body);
    }

    @Override
    public void close() {
        server.disposeNow();
    }

}
