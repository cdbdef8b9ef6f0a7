package dev.sessionkit.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording of a benchmark fork in words a reader can use: the JMH worker
 * threads' execution samples (on CPU in Java) by component and by top frame, sessionkit's own
 * methods by inclusive share, and the native samples (threads waiting in native code, here
 * mostly a socket read: the round trip to PostgreSQL) by top frame.
 */
final class JfrSummary {

    private static final int TOP = 12;

    private JfrSummary() {
    }

    static Results.Profile summarise(String shape, Path recording) {
        Map<String, Long> component = new HashMap<>();
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> nativeTop = new HashMap<>();
        long execution = 0;
        long waiting = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                String type = event.getEventType().getName();
                boolean cpu = type.equals("jdk.ExecutionSample");
                if (!cpu && !type.equals("jdk.NativeMethodSample")) {
                    continue;
                }
                if (!isWorker(event)) {
                    continue;
                }
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                List<RecordedFrame> frames = stack.getFrames();
                String top = name(frames.get(0));
                if (cpu) {
                    execution++;
                    self.merge(top, 1L, Long::sum);
                    component.merge(component(frames), 1L, Long::sum);
                    Set<String> seen = new HashSet<>();
                    for (RecordedFrame frame : frames) {
                        String name = name(frame);
                        if (name.startsWith("dev.sessionkit.") && !name.startsWith("dev.sessionkit.bench.")
                                && seen.add(name)) {
                            inclusive.merge(name, 1L, Long::sum);
                        }
                    }
                } else {
                    waiting++;
                    nativeTop.merge(firstJavaCaller(frames), 1L, Long::sum);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + recording, e);
        }
        return new Results.Profile(shape, execution, waiting, top(component, execution), top(self, execution),
                top(inclusive, execution), top(nativeTop, waiting));
    }

    private static boolean isWorker(RecordedEvent event) {
        var thread = event.getThread("sampledThread");
        String name = thread == null ? null : thread.getJavaName();
        return name != null && name.contains("jmh-worker");
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    /**
     * Who is waiting: the innermost sessionkit method on the stack (which store call the round trip
     * belongs to), else the innermost driver or pool frame, else the top frame.
     */
    private static String firstJavaCaller(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String name = name(frame);
            if (name.startsWith("dev.sessionkit.") && !name.startsWith("dev.sessionkit.bench.")) {
                return name;
            }
        }
        for (RecordedFrame frame : frames) {
            String name = name(frame);
            if (name.startsWith("org.postgresql.") || name.startsWith("com.zaxxer.")) {
                return name;
            }
        }
        return name(frames.get(0));
    }

    /**
     * The component the time belongs to: the innermost frame outside the JDK decides; JDK code
     * called directly from a component counts for it, except crypto, reflection and time, which are
     * named on their own.
     */
    private static String component(List<RecordedFrame> frames) {
        String leaf = name(frames.get(0));
        if (leaf.startsWith("sun.security.") || leaf.startsWith("com.sun.crypto.") || leaf.startsWith("javax.crypto.")
                || leaf.startsWith("java.security.")) {
            return "JDK crypto (HMAC, SHA-256, SecureRandom)";
        }
        for (RecordedFrame frame : frames) {
            String name = name(frame);
            if (name.startsWith("dev.sessionkit.bench.")) {
                return "benchmark harness";
            }
            if (name.startsWith("dev.sessionkit.")) {
                return "sessionkit";
            }
            if (name.startsWith("org.postgresql.")) {
                return "pgjdbc (PostgreSQL driver)";
            }
            if (name.startsWith("com.zaxxer.hikari.")) {
                return "HikariCP";
            }
            if (name.startsWith("com.fasterxml.jackson.")) {
                return "Jackson";
            }
            if (name.startsWith("org.jooq.")) {
                return "jOOQ";
            }
            if (name.startsWith("org.openjdk.jmh.")) {
                return "JMH";
            }
            if (name.startsWith("jdk.proxy") || name.startsWith("jdk.internal.reflect.")
                    || name.startsWith("java.lang.reflect.")) {
                return "JDK reflection";
            }
        }
        return "JDK (other)";
    }

    private static List<Results.Share> top(Map<String, Long> counts, long total) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(TOP)
                .map(e -> new Results.Share(e.getKey(), e.getValue(), total == 0 ? 0 : 100.0 * e.getValue() / total))
                .toList();
    }
}
