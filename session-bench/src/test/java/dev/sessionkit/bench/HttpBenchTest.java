package dev.sessionkit.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

final class HttpBenchTest {

    private static final String WRK = """
            Running 10s test @ http://127.0.0.1:40123/api/session/test-session
              2 threads and 16 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     1.52ms    2.01ms  40.11ms   91.20%
                Req/Sec     6.01k   512.33     7.10k    70.00%
              Latency Distribution
                 50%    1.01ms
                 75%    1.62ms
                 90%    2.90ms
                 99%  850.00us
              119642 requests in 10.00s, 21.30MB read
              Socket errors: connect 0, read 2, write 0, timeout 1
              Non-2xx or 3xx responses: 4
            Requests/sec:  11962.55
            Transfer/sec:      2.13MB
            """;

    @Test
    void parseReadsRequestsPerSecondP99InMillisAndErrors() {
        Results.Http http = HttpBench.parse("memory", HttpBench.SESSION_PATH, WRK);

        assertThat(http.requestsPerSecond()).isCloseTo(11962.55, within(0.001));
        assertThat(http.p99Millis()).isCloseTo(0.85, within(1e-9));
        assertThat(http.errors()).isEqualTo(7);
        assertThat(http.note()).isEmpty();
    }

    @Test
    void parseOfOutputItDoesNotUnderstandSaysSoInsteadOfInventingNumbers() {
        Results.Http http = HttpBench.parse("memory", HttpBench.HEALTH_PATH, "unable to connect to 127.0.0.1:1\n");

        assertThat(http.requestsPerSecond()).isNaN();
        assertThat(http.note()).contains("not understood");
    }
}
