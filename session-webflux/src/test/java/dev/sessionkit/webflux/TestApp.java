package dev.sessionkit.webflux;

import dev.sessionkit.SessionManager;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
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
        WebExceptionHandler recorder = (exchange, failure) -> {
            unhandled.add(failure);
            return Mono.error(failure);
        };
        HttpHandler handler = WebHttpHandlerBuilder.webHandler(RouterFunctions.toWebHandler(routes(sessions)))
                .sessionManager(sessions)
                .exceptionHandler(new SessionWebExceptionHandler())
                .exceptionHandler(recorder)
                .build();
        server = HttpServer.create().host("127.0.0.1").port(0).handle(new ReactorHttpHandlerAdapter(handler)).bindNow();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    private static RouterFunction<ServerResponse> routes(SessionkitWebSessionManager sessions) {
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

    private static Mono<ServerResponse> text(String body) {
        return ServerResponse.ok().contentType(MediaType.TEXT_PLAIN).bodyValue(body);
    }

    @Override
    public void close() {
        server.disposeNow();
    }

}
