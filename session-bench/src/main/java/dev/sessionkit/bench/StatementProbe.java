package dev.sessionkit.bench;

import dev.sessionkit.testkit.CountingDataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Counts SQL statements per operation: every shape of a contender, run {@code ops} times on one
 * thread over the seeded sessions (picked at random, as in the benchmarks), through the
 * contender's {@link CountingDataSource}. Deterministic where throughput is not, so it is run
 * apart from JMH. The statements a logout's setup makes are left out, as in the benchmark, and so
 * is what {@link DbContender#settle()} sends between requests (sessionkit's event announcements,
 * which its own thread sends after the request, one statement for many events).
 */
final class StatementProbe {

    static final List<String> SHAPES = List.of("readOnly", "readTouch", "modify", "modifySet", "create", "login", "logout",
            "listByPrincipal");
    private static final int WARM_UP = 10;

    private StatementProbe() {
    }

    static List<Results.Statements> run(DbContender db, int ops, int principals) {
        Random random = new Random(7);
        List<Results.Statements> counted = new ArrayList<>();
        for (String shape : SHAPES) {
            for (int i = 0; i < WARM_UP; i++) {
                once(db, shape, random, principals);
                db.settle();
            }
            CountingDataSource.Counts total = new CountingDataSource.Counts(0, 0, 0, 0);
            for (int i = 0; i < ops; i++) {
                String handle = shape.equals("logout") ? db.prepareLogout() : null;
                CountingDataSource.Counts before = db.counting().countsOfThisThread();
                if (handle != null) {
                    db.logout(handle);
                } else {
                    once(db, shape, random, principals);
                }
                CountingDataSource.Counts delta = db.counting().countsOfThisThread().minus(before);
                total = total.plus(delta);
                db.settle();
            }
            counted.add(new Results.Statements(db.name(), shape, ops, (double) total.statements() / ops,
                    (double) total.roundTrips() / ops, (double) total.commits() / ops));
        }
        return counted;
    }

    private static void once(DbContender db, String shape, Random random, int principals) {
        switch (shape) {
            case "readOnly" -> db.readOnly(random.nextInt(db.sessions()));
            case "readTouch" -> db.readTouch(random.nextInt(db.sessions()));
            case "modify" -> db.modify(random.nextInt(db.sessions()));
            case "modifySet" -> db.modifySet(random.nextInt(db.sessions()));
            case "create" -> db.create();
            case "login" -> db.login();
            case "logout" -> db.logout(db.prepareLogout());
            case "listByPrincipal" -> {
                int found = db.listByPrincipal(random.nextInt(principals));
                if (found != DbContender.SESSIONS_PER_PRINCIPAL) {
                    throw new IllegalStateException(db.name() + " listed " + found + " sessions of a principal, not "
                            + DbContender.SESSIONS_PER_PRINCIPAL);
                }
            }
            default -> throw new IllegalArgumentException(shape);
        }
    }
}
