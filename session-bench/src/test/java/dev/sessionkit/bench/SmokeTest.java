package dev.sessionkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole harness with tiny counts (every shape of every contender through JMH in this JVM,
 * the probe, the purge comparison, the report), so it cannot rot. Times nothing: it checks that
 * the report is written and that the statement counts are the designed ones.
 */
final class SmokeTest {

    @TempDir
    Path out;

    @Test
    void smokeRunWritesTheReportWithTheDesignedStatementCounts() throws Exception {
        Path report = BenchMain.run(BenchConfig.smoke(out), out);

        assertThat(report).isRegularFile();
        String markdown = Files.readString(report);
        assertThat(markdown).contains("## Targets of issues 7 and 15", "## PostgreSQL", "## In memory", "## Purge",
                "## Micrometer binding off and on");

        JsonNode json = new ObjectMapper().readTree(out.resolve(ReportWriter.JSON).toFile());
        // 8 shapes × 3 contenders at 1 thread, 2 shapes × 2 contenders in memory, 3 shapes × 3 metrics variants
        assertThat(json.get("throughput")).hasSize(8 * 3 + 2 * 2 + 3 * 3);
        for (JsonNode t : json.get("throughput")) {
            assertThat(t.get("median").asDouble()).as(t.toString()).isPositive();
        }
        // one SELECT; a touch now and then, for seeded sessions whose 5-minute touch interval just ran out
        assertThat(statements(json, "sessionkit", "readOnly")).isBetween(1.0, 1.25);
        assertThat(statements(json, "sessionkit", "readTouch")).isEqualTo(2.0);
        assertThat(statements(json, "sessionkit", "modify")).isEqualTo(2.0);
        assertThat(statements(json, "sessionkit", "modifySet")).isEqualTo(2.0);
        // one round trip per statement, at the socket (no Describe before a Bind)
        for (String shape : StatementProbe.SHAPES) {
            assertThat(value(json, "sessionkit", shape, "roundTrips")).as(shape)
                    .isEqualTo(value(json, "sessionkit", shape, "statements"));
        }
        assertThat(statements(json, "sessionkit", "create")).isEqualTo(1.0);
        assertThat(statements(json, "sessionkit", "listByPrincipal")).isEqualTo(1.0);
        assertThat(statements(json, "raw", "readOnly")).isEqualTo(1.0);
        assertThat(statements(json, "raw", "modify")).isEqualTo(2.0);
        assertThat(statements(json, "spring", "readOnly")).isGreaterThanOrEqualTo(2.0);
        for (JsonNode p : json.get("purge")) {
            assertThat(p.get("expiredLeft").asLong()).as(p.toString()).isZero();
            assertThat(p.get("loopErrors").asLong()).as(p.toString()).isZero();
        }
        assertThat(json.get("targets").size()).isGreaterThan(10);
    }

    private static double statements(JsonNode json, String contender, String shape) {
        return value(json, contender, shape, "statements");
    }

    private static double value(JsonNode json, String contender, String shape, String field) {
        for (JsonNode s : json.get("statements")) {
            if (s.get("contender").asText().equals(contender) && s.get("shape").asText().equals(shape)) {
                return s.get(field).asDouble();
            }
        }
        throw new AssertionError("no statement count for " + contender + " " + shape);
    }
}
