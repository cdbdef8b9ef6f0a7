package dev.sessionkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The portal contract against the WebFlux demo, and what the issue asks of it beyond the other
 * demos: heavy concurrency on one session, with BlockHound installed in this JVM (by
 * {@code blockhound-junit-platform}).
 */
abstract class WebFluxPortalContract extends PortalContract {

    @Test
    void blockHoundIsInstalledInThisJvm() {
        Mono<Integer> blocking = Mono.fromCallable(() -> {
            Thread.sleep(1);
            return 1;
        }).subscribeOn(Schedulers.parallel());

        org.assertj.core.api.Assertions.assertThatThrownBy(blocking::block)
                .hasRootCauseInstanceOf(reactor.blockhound.BlockingOperationError.class);
    }

    @Test
    void eightClientsTimesTwoHundredFiftyIncrementsOnOneSessionLoseNothing() throws Exception {
        Client device = device("api");
        assertThat(device.get("/api/session/test-session").json().get("visits").asLong()).isEqualTo(1);
        int clients = 8;
        int each = 250;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                Client client = device.replay();
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        assertThat(client.get("/api/session/test-session").status()).isEqualTo(200);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(device.get("/api/session").json().get("visits").asLong()).isEqualTo(1 + clients * each);
    }
}
