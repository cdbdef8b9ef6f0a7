package dev.sessionkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale mode at 2,000 sessions, short rounds, on the tests' embedded PostgreSQL: every table
 * seeded in bulk with the right number of rows, every phase run by every contender it names, the
 * counters consistent with each other, the sweeps complete. Times nothing.
 */
final class ScaleSmokeTest {

    private static final int SESSIONS = 2_000;

    @TempDir
    Path out;

    @Test
    void scaleModeSeedsEveryTableAndReportsEveryPhaseWithItsCounts() throws Exception {
        ScaleRun.Options options = ScaleRun.Options.smoke(SESSIONS);
        Map<String, String> machine = new LinkedHashMap<>();
        Path report = ScaleRun.run(BenchDatabase.start(), options, out, machine);

        assertThat(Files.readString(report)).contains("## Seeding", "## Requests", "## Expiry sweep",
                "## Against the targets of issue 18");
        JsonNode json = new ObjectMapper().readTree(out.resolve(ScaleRun.JSON).toFile());

        JsonNode rows = json.get("tableRows");
        assertThat(rows.get("sessions").asLong()).isEqualTo(SESSIONS);
        assertThat(rows.get("session").asLong()).isEqualTo(SESSIONS);
        assertThat(rows.get("spring_session").asLong()).isEqualTo(SESSIONS);
        // three attributes each, and the principal as a fourth for one session in SIGNED_IN_EVERY
        assertThat(rows.get("spring_session_attributes").asLong())
                .isEqualTo(3L * SESSIONS + SESSIONS / ScaleSeeder.SIGNED_IN_EVERY);
        assertThat(json.get("seeding")).hasSize(3);

        assertThat(json.get("phases")).hasSize(4);
        for (JsonNode phase : json.get("phases")) {
            String name = phase.get("name").asText();
            boolean steady = phase.get("state").asText().equals("steady");
            assertThat(phase.get("sides")).as(name).hasSize(steady ? 3 : 2);
            for (JsonNode side : phase.get("sides")) {
                assertThat(side.get("rates")).as(name).hasSize(options.rounds());
                assertThat(side.get("median").asDouble()).as(name).isPositive();
            }
            long requests = phase.get("requests").asLong();
            long touches = phase.get("touchCalls").asLong();
            long applies = phase.get("applyCalls").asLong();
            long moved = phase.get("expiryMoved").asLong();
            assertThat(requests).as(name).isPositive();
            if (phase.get("shape").asText().equals("readOnly")) {
                // a read writes nothing but its touch; a touch moves the last access
                assertThat(applies).as(name).isZero();
                assertThat(moved).as(name).isEqualTo(touches);
            } else {
                assertThat(applies).as(name).isEqualTo(requests);
                assertThat(touches).as(name).isZero();
                assertThat(moved).as(name).isLessThanOrEqualTo(requests);
            }
            assertThat(touches).as(name).isLessThanOrEqualTo(requests);
            JsonNode sessions = table(phase, "sessions");
            // every apply updated one row of sessionkit's table, and so did every touch, except that a
            // write-behind store writes a session touched twice before its flush once; nothing else did
            assertThat(sessions.get("updated").asLong()).as(name).isBetween(applies + Math.min(touches, 1),
                    touches + applies);
            assertThat(sessions.get("hotUpdated").asLong()).as(name).isBetween(0L, sessions.get("updated").asLong());
        }
        // at the start of a backlog every session's touch is due: its first request writes it
        JsonNode backlog = json.get("phases").get(2);
        assertThat(backlog.get("name").asText()).isEqualTo("readOnly, backlog");
        assertThat(backlog.get("touchCalls").asLong()).isPositive();

        assertThat(json.get("sweeps")).hasSize(4);
        for (JsonNode sweep : json.get("sweeps")) {
            assertThat(sweep.get("left").asLong()).as(sweep.toString()).isZero();
            assertThat(sweep.get("purged").asLong()).as(sweep.toString())
                    .isEqualTo((long) options.expired() * options.sweepRounds());
            assertThat(sweep.get("batchMillis").size()).as(sweep.toString()).isPositive();
        }
    }

    @Test
    void memoryExpiryCostMeasuresEverySide() throws Exception {
        java.util.List<MemoryExpiryCost.Measured> measured = MemoryExpiryCost.run(200, java.util.List.of(1), 0, 1, 50);

        assertThat(measured).hasSize(1);
        assertThat(measured.get(0).nanosPerOp()).hasSize(1);
        double[] nanos = measured.get(0).nanosPerOp().get(0);
        assertThat(nanos).hasSize(MemoryExpiryCost.SIDES.size());
        assertThat(java.util.Arrays.stream(nanos).allMatch(ns -> ns > 0)).as(java.util.Arrays.toString(nanos)).isTrue();
        assertThat(Files.readString(MemoryExpiryCost.write(measured, out, new LinkedHashMap<>())))
                .contains("variable expiry − no expiry");
    }

    private static JsonNode table(JsonNode phase, String name) {
        for (JsonNode t : phase.get("tables")) {
            if (t.get("table").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no counters for " + name);
    }
}
