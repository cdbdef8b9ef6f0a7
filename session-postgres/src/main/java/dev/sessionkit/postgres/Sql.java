package dev.sessionkit.postgres;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Param;
import org.jooq.Query;

/**
 * One statement built with the jOOQ DSL and rendered once, at construction, with the position of
 * each of its named bind values. The store executes {@link #text()} through plain prepared
 * statements, so the hot path builds no query objects.
 *
 * <p>Every bind value of the query must be a named {@link org.jooq.impl.DSL#param(String, org.jooq.DataType)}
 * that occurs once; constants are inlined. Both rules are checked here, so a statement that would
 * bind the wrong position fails when the store is built, not on a request.
 */
final class Sql {

    private final String name;
    private final String text;
    private final Map<String, Integer> positions;

    private Sql(String name, String text, Map<String, Integer> positions) {
        this.name = name;
        this.text = text;
        this.positions = positions;
    }

    static Sql render(String name, DSLContext dsl, Query query) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Param<?>> param : query.getParams().entrySet()) {
            if (!param.getValue().isInline()) {
                names.add(param.getKey());
            }
        }
        if (names.size() != query.getBindValues().size()) {
            throw new IllegalStateException("statement " + name + " reuses a bind value: " + names);
        }
        Map<String, Integer> positions = new HashMap<>();
        int position = 1;
        for (String paramName : names) {
            if (paramName.chars().allMatch(Character::isDigit)) {
                throw new IllegalStateException("statement " + name + " has an unnamed bind value at " + position);
            }
            positions.put(paramName, position++);
        }
        return new Sql(name, dsl.render(query), Map.copyOf(positions));
    }

    /** The operation name, for errors and logs. */
    String name() {
        return name;
    }

    /** The SQL with {@code ?} placeholders. */
    String text() {
        return text;
    }

    /** Whether the statement has a bind value called {@code param}. */
    boolean has(String param) {
        return positions.containsKey(param);
    }

    /** The 1-based position of the bind value called {@code param}. */
    int at(String param) {
        Integer position = positions.get(param);
        if (position == null) {
            throw new IllegalArgumentException("statement " + name + " has no bind value " + param);
        }
        return position;
    }

    /** The number of bind values. */
    int bindCount() {
        return positions.size();
    }

    @Override
    public String toString() {
        return name + ": " + text;
    }
}
