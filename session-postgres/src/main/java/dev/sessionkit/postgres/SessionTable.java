package dev.sessionkit.postgres;

import static org.jooq.impl.DSL.condition;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.function;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.param;

import dev.sessionkit.SessionStatus;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.CommonTableExpression;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Name;
import org.jooq.Param;
import org.jooq.Query;
import org.jooq.SQLDialect;
import org.jooq.Select;
import org.jooq.Table;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.conf.StatementType;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The sessions table: its quoted names, its DDL, and every statement the store runs, each built
 * with the jOOQ DSL once per store and rendered to SQL text (see {@link Sql}).
 *
 * <p>The table and schema names come from validated settings and reach SQL only as quoted
 * {@link DSL#name(String...)} parts. A few PostgreSQL operators that jOOQ does not model
 * ({@code jsonb - text[]}, {@code ||}, {@code ->}) are written as constant jOOQ templates whose
 * placeholders are query parts; no text from settings or from callers is ever part of SQL.
 */
final class SessionTable {

    /** The schema version this code writes; stored as the table comment. */
    static final int SCHEMA_VERSION = 3;
    static final String SCHEMA_MARKER = "sessionkit schema " + SCHEMA_VERSION;
    static final String MARKER_PREFIX = "sessionkit schema ";

    static final String ACTIVE = "active";
    /** The bind values of {@link #applyIncrement} that each take the incremented name. */
    static final List<String> INCREMENT_NAME_PARAMS = List.of("incName1", "incName2", "incName3", "incName4", "incKey");
    static final int FILLFACTOR = 85;

    static final DataType<OffsetDateTime> TIMESTAMPTZ = SQLDataType.TIMESTAMPWITHTIMEZONE;
    static final DataType<String> TEXT = SQLDataType.CLOB;

    static final Field<byte[]> KEY = field(name("key"), SQLDataType.BLOB);
    static final Field<String> PRINCIPAL = field(name("principal"), TEXT);
    static final Field<JSONB> DATA = field(name("data"), SQLDataType.JSONB);
    static final Field<OffsetDateTime> CREATED_AT = field(name("created_at"), TIMESTAMPTZ);
    static final Field<OffsetDateTime> LAST_ACCESSED_AT = field(name("last_accessed_at"), TIMESTAMPTZ);
    static final Field<OffsetDateTime> IDLE_EXPIRES_AT = field(name("idle_expires_at"), TIMESTAMPTZ);
    static final Field<OffsetDateTime> ABSOLUTE_EXPIRES_AT = field(name("absolute_expires_at"), TIMESTAMPTZ);
    static final Field<OffsetDateTime> EXPIRES_AT = field(name("expires_at"), TIMESTAMPTZ);
    static final Field<Long> IDLE_TIMEOUT_MS = field(name("idle_timeout_ms"), SQLDataType.BIGINT);
    static final Field<String> IP = field(name("ip"), TEXT);
    static final Field<String> USER_AGENT = field(name("user_agent"), TEXT);
    static final Field<String> STATUS = field(name("status"), TEXT);
    static final Field<OffsetDateTime> LOGGED_OUT_AT = field(name("logged_out_at"), TIMESTAMPTZ);
    static final Field<Long> VERSION = field(name("version"), SQLDataType.BIGINT);
    /** Schema 2: the key a session had before its last renewal, valid until {@link #PREVIOUS_KEY_EXPIRES_AT}. */
    static final Field<byte[]> PREVIOUS_KEY = field(name("previous_key"), SQLDataType.BLOB);
    static final Field<OffsetDateTime> PREVIOUS_KEY_EXPIRES_AT = field(name("previous_key_expires_at"), TIMESTAMPTZ);
    /** Schema 2: when the session got its current key (creation, change or renewal); null on rows of version 1. */
    static final Field<OffsetDateTime> KEY_ISSUED_AT = field(name("key_issued_at"), TIMESTAMPTZ);
    /**
     * Schema 3: when the sweep next looks at an active row, never after its expiry. Creates set it to
     * the expiry; touches and attribute writes leave it alone, so they change no indexed column and
     * stay HOT updates; the sweep deletes due rows that have expired and moves the others' up to their
     * current expiry. Writes that can make an expiry earlier lower it with {@code least}.
     */
    static final Field<OffsetDateTime> SWEEP_AT = field(name("sweep_at"), TIMESTAMPTZ);
    /** Every status a row may hold, in the check constraint. */
    static final List<String> STATUSES = List.of("active", "logged_out", "expired", "revoked", "replaced");
    /** PostgreSQL's physical row address, for deleting rows a sub-select has locked. */
    private static final Field<Object> CTID = field(name("ctid"), SQLDataType.OTHER);

    /** What every reading statement returns, in the order {@link SessionRows} reads it. */
    static final List<Field<?>> COLUMNS = List.of(KEY, DATA, PRINCIPAL, CREATED_AT, LAST_ACCESSED_AT,
            IDLE_EXPIRES_AT, ABSOLUTE_EXPIRES_AT, IDLE_TIMEOUT_MS, IP, USER_AGENT, STATUS, VERSION, KEY_ISSUED_AT);

    /** The columns a sessionkit table must have; checked when a table exists without our marker. */
    static final List<String> REQUIRED_COLUMNS = List.of("key", "principal", "data", "created_at",
            "last_accessed_at", "idle_expires_at", "absolute_expires_at", "expires_at", "idle_timeout_ms", "ip",
            "user_agent", "status", "logged_out_at", "version", "previous_key", "previous_key_expires_at",
            "key_issued_at", "sweep_at");

    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final int MAX_IDENTIFIER = 63;

    private final DSLContext dsl;
    private final String schema;
    private final String tableName;
    private final Table<?> table;
    private final String qualifiedName;
    private final String channel;
    private final boolean notifying;

    /** The live row whose current key is the one given. */
    final Sql load;
    /** The live row whose previous key is the one given, while its grace lasts. */
    final Sql loadPrevious;
    final Sql statusOf;
    final Sql create;
    final Sql applyMeta;
    final Sql applyMerge;
    /** {@link #applyMerge} for a delta whose one increment names a key it neither sets nor removes. */
    final Sql applyIncrement;
    /**
     * {@link #applyMerge} for a delta without increments to read from the stored data (sets and
     * removals only): no set-returning function, no aggregate. Likewise for the moves.
     */
    final Sql applyReplace;
    final Sql changeKeyReplace;
    final Sql renewKeyReplace;
    final Sql changeKeyMeta;
    final Sql changeKeyMerge;
    final Sql renewKeyMeta;
    final Sql renewKeyMerge;
    final Sql touch;
    final Sql touchBatch;
    final Sql end;
    final Sql findByPrincipal;
    final Sql endByPrincipal;
    final Sql endOthersByPrincipal;
    final Sql lockPrincipal;
    final Sql replaceOldest;
    final Sql countOthers;
    final Sql findLive;
    final Sql purge;
    /** Sends the notifications bound as {@code payloads}, a {@code text[]}, on the table's channel. */
    final Sql announce;
    final Sql stats;

    /**
     * @param schema    a validated identifier, or null for the search path
     * @param tableName a validated identifier
     */
    SessionTable(String schema, String tableName) {
        this(schema, tableName, false);
    }

    /**
     * @param schema    a validated identifier, or null for the search path
     * @param tableName a validated identifier
     * @param notifying whether the statements that end sessions return their keys for announcing on
     *                  {@link #channel()}, and the sweep's statement announces what it purged
     */
    SessionTable(String schema, String tableName, boolean notifying) {
        this.notifying = notifying;
        this.channel = EventPayload.channel(schema, tableName);
        this.dsl = DSL.using(SQLDialect.POSTGRES, new Settings()
                .withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_QUOTED)
                .withStatementType(StatementType.PREPARED_STATEMENT)
                .withRenderFormatted(false)
                .withRenderSchema(true));
        this.schema = schema;
        this.tableName = tableName;
        this.table = DSL.table(schema == null ? name(tableName) : name(schema, tableName));
        this.qualifiedName = dsl.render(table);

        // the load is two statements, the second run only when the first finds nothing: "key = ? or
        // previous_key = ?" is a BitmapOr of two indexes on every request (about a sixth of the
        // server's time per read, measured with pgbench) and leaves the plan to the statistics
        // (docs/benchmarks.md: with an empty table's, it also scanned the whole sweep index)
        this.load = Sql.render("load", dsl, dsl.select(COLUMNS).from(table)
                .where(KEY.eq(param("key", KEY.getDataType())))
                .and(live(param("now", TIMESTAMPTZ))));
        this.loadPrevious = Sql.render("loadPrevious", dsl, dsl.select(COLUMNS).from(table)
                .where(PREVIOUS_KEY.eq(param("previousKey", KEY.getDataType())))
                .and(PREVIOUS_KEY_EXPIRES_AT.gt(param("graceNow", TIMESTAMPTZ)))
                .and(live(param("now", TIMESTAMPTZ))));
        this.statusOf = Sql.render("statusOf", dsl, dsl.select(STATUS, EXPIRES_AT).from(table).where(byKey()));
        this.create = Sql.render("create", dsl, dsl.insertInto(table)
                .columns(KEY, DATA, PRINCIPAL, CREATED_AT, LAST_ACCESSED_AT, IDLE_EXPIRES_AT, ABSOLUTE_EXPIRES_AT,
                        IDLE_TIMEOUT_MS, IP, USER_AGENT, STATUS, VERSION, KEY_ISSUED_AT, SWEEP_AT)
                .values(param("key", KEY.getDataType()), param("data", DATA.getDataType()),
                        param("principal", TEXT), param("createdAt", TIMESTAMPTZ),
                        param("lastAccessedAt", TIMESTAMPTZ), param("idleExpiresAt", TIMESTAMPTZ),
                        param("absoluteExpiresAt", TIMESTAMPTZ), param("idleTimeoutMs", SQLDataType.BIGINT),
                        param("ip", TEXT), param("userAgent", TEXT), param("status", TEXT),
                        param("version", SQLDataType.BIGINT), param("keyIssuedAt", TIMESTAMPTZ),
                        param("sweepAt", TIMESTAMPTZ))
                .onConflict(KEY).doNothing());
        this.applyMeta = Sql.render("apply", dsl, deltaUpdate(null, Move.NONE));
        this.applyMerge = Sql.render("apply", dsl, deltaUpdate(mergedData(), Move.NONE));
        this.applyIncrement = Sql.render("apply", dsl, deltaUpdate(oneIncrementData(), Move.NONE));
        this.applyReplace = Sql.render("apply", dsl, deltaUpdate(replacedData(), Move.NONE));
        this.changeKeyReplace = Sql.render("changeKey", dsl, deltaUpdate(replacedData(), Move.CHANGE));
        this.renewKeyReplace = Sql.render("renewKey", dsl, deltaUpdate(replacedData(), Move.RENEW));
        this.changeKeyMeta = Sql.render("changeKey", dsl, deltaUpdate(null, Move.CHANGE));
        this.changeKeyMerge = Sql.render("changeKey", dsl, deltaUpdate(mergedData(), Move.CHANGE));
        this.renewKeyMeta = Sql.render("renewKey", dsl, deltaUpdate(null, Move.RENEW));
        this.renewKeyMerge = Sql.render("renewKey", dsl, deltaUpdate(mergedData(), Move.RENEW));
        this.touch = Sql.render("touch", dsl, dsl.update(table)
                .set(LAST_ACCESSED_AT, DSL.greatest(LAST_ACCESSED_AT, param("lastAccessedAt", TIMESTAMPTZ)))
                .set(IDLE_EXPIRES_AT, DSL.greatest(IDLE_EXPIRES_AT, param("idleExpiresAt", TIMESTAMPTZ)))
                .set(VERSION, VERSION.plus(inline(1L)))
                .where(byKey())
                .and(live(param("now", TIMESTAMPTZ))));
        this.touchBatch = Sql.render("touchBatch", dsl, touchBatchQuery());
        this.end = Sql.render("end", dsl, ending(dsl.update(table)
                .set(STATUS, param("status", TEXT))
                .set(LOGGED_OUT_AT, param("loggedOutAt", TIMESTAMPTZ))
                .set(VERSION, VERSION.plus(inline(1L)))
                .where(byKey())
                .and(live(param("now", TIMESTAMPTZ)))));
        this.findByPrincipal = Sql.render("findByPrincipal", dsl, dsl.select(COLUMNS).from(table)
                .where(PRINCIPAL.eq(param("principal", TEXT)))
                .and(live(param("now", TIMESTAMPTZ)))
                .orderBy(CREATED_AT, KEY));
        this.endByPrincipal = Sql.render("endByPrincipal", dsl, ending(dsl.update(table)
                .set(STATUS, param("status", TEXT))
                .set(LOGGED_OUT_AT, param("loggedOutAt", TIMESTAMPTZ))
                .set(VERSION, VERSION.plus(inline(1L)))
                .where(PRINCIPAL.eq(param("principal", TEXT)))
                .and(live(param("now", TIMESTAMPTZ)))));
        this.endOthersByPrincipal = Sql.render("endOthersByPrincipal", dsl, ending(dsl.update(table)
                .set(STATUS, param("status", TEXT))
                .set(LOGGED_OUT_AT, param("loggedOutAt", TIMESTAMPTZ))
                .set(VERSION, VERSION.plus(inline(1L)))
                .where(PRINCIPAL.eq(param("principal", TEXT)))
                .and(KEY.ne(param("keep", KEY.getDataType())))
                .and(live(param("now", TIMESTAMPTZ)))));
        // the per-user limit: a transaction-level advisory lock keyed by the principal serialises
        // the limit of one principal's logins; later statements of the transaction see every login
        // committed before the lock was granted
        this.lockPrincipal = Sql.render("lockPrincipal", dsl, dsl.select(function(name("pg_advisory_xact_lock"),
                SQLDataType.OTHER, param("lockClass", SQLDataType.INTEGER),
                function(name("hashtext"), SQLDataType.INTEGER, param("principal", TEXT)))));
        Table<?> others = dsl.select(KEY).from(table)
                .where(PRINCIPAL.eq(param("principal", TEXT)))
                .and(KEY.ne(param("current", KEY.getDataType())))
                .and(live(param("now", TIMESTAMPTZ)))
                .orderBy(CREATED_AT.desc(), KEY.desc())
                // keep max - 1 others beside a live current session, max when an earlier login ended it
                .offset(DSL.greatest(inline(0), param("max", SQLDataType.INTEGER).minus(
                        DSL.field(dsl.selectCount().from(table).where(KEY.eq(param("currentLive", KEY.getDataType())))
                                .and(live(param("nowCurrent", TIMESTAMPTZ)))))))
                .asTable("others");
        org.jooq.ResultQuery<?> replace = dsl.update(table)
                .set(STATUS, inline(SessionStatus.REPLACED.code()))
                .set(LOGGED_OUT_AT, param("loggedOutAt", TIMESTAMPTZ))
                .set(VERSION, VERSION.plus(inline(1L)))
                .where(KEY.in(dsl.select(others.field(KEY)).from(others)))
                .and(live(param("nowAgain", TIMESTAMPTZ)))
                .returning(KEY, CREATED_AT);
        this.replaceOldest = Sql.render("replaceOldest", dsl, replace);
        this.countOthers = Sql.render("countOthers", dsl, dsl.selectCount().from(table)
                .where(PRINCIPAL.eq(param("principal", TEXT)))
                .and(KEY.ne(param("current", KEY.getDataType())))
                .and(live(param("now", TIMESTAMPTZ))));
        this.findLive = Sql.render("findLive", dsl, dsl.select(COLUMNS).from(table)
                .where(live(param("now", TIMESTAMPTZ)))
                .orderBy(CREATED_AT, KEY)
                .limit(param("limit", SQLDataType.INTEGER)));
        this.purge = Sql.render("purgeExpired", dsl, purgeQuery());
        // what EventAnnouncer sends: one notification per payload, in the array's order
        this.announce = Sql.render("announce", dsl, dsl
                .select(function(name("pg_notify"), SQLDataType.OTHER, inline(channel), field(name("t", "p"), TEXT)))
                .from(DSL.table("unnest({0}) with ordinality as t(p, n)", param("payloads", TEXT.array())))
                .orderBy(field(name("t", "n"))));
        this.stats = Sql.render("stats", dsl, dsl.select(
                        DSL.count(),
                        DSL.count().filterWhere(live(param("nowLive", TIMESTAMPTZ))),
                        DSL.count().filterWhere(STATUS.eq(inline(ACTIVE))
                                .and(EXPIRES_AT.le(param("nowExpired", TIMESTAMPTZ)))))
                .from(table));
    }

    /**
     * An {@code UPDATE} that ends sessions, as it is, or when notifying returning the key of each
     * session it ended, for the store's {@link EventAnnouncer} to announce once it committed.
     */
    private Query ending(org.jooq.UpdateConditionStep<?> update) {
        return notifying ? update.returning(KEY) : update;
    }

    private Field<Object> notify(Field<String> event, Field<String> keys) {
        return function(name("pg_notify"), SQLDataType.OTHER, inline(channel),
                DSL.concat(inline(EventPayload.VERSION + "|"), param("origin", TEXT), inline("|"), event, inline("|"), keys));
    }

    private static Field<String> hex(Field<byte[]> key) {
        return function(name("encode"), TEXT, key, inline("hex"));
    }

    /** The {@code LISTEN} channel of this table's events. */
    String channel() {
        return channel;
    }

    /**
     * Whether the ending statements return the keys they ended, for announcing, and the sweep's
     * statement announces what it purged itself (binding {@code origin}).
     */
    boolean notifying() {
        return notifying;
    }

    /** {@code "schema"."table"} or {@code "table"}, as SQL; also the argument of {@code to_regclass}. */
    String qualifiedName() {
        return qualifiedName;
    }

    /** The schema, or null for the search path. */
    String schema() {
        return schema;
    }

    /** The unqualified table name. */
    String tableName() {
        return tableName;
    }

    /** Live: active, and {@code now} before both expiries ({@code expires_at} is their minimum). */
    private static Condition live(Param<OffsetDateTime> now) {
        return STATUS.eq(inline(ACTIVE)).and(EXPIRES_AT.gt(now));
    }

    /**
     * The row a key names: its current key, or its previous key while the grace of its last renewal
     * lasts (binds {@code key}, {@code previousKey} and {@code graceNow}). The two arms are the
     * primary key and the partial index on {@code previous_key}.
     */
    private static Condition byKey() {
        return KEY.eq(param("key", KEY.getDataType()))
                .or(PREVIOUS_KEY.eq(param("previousKey", KEY.getDataType()))
                        .and(PREVIOUS_KEY_EXPIRES_AT.gt(param("graceNow", TIMESTAMPTZ))));
    }

    /** What a delta UPDATE does to the key. */
    private enum Move {
        /** {@code apply}: the key stays. */
        NONE,
        /** {@code changeKey}: a new key; the old one and any previous key stop working. */
        CHANGE,
        /** {@code renewKey}: a new key; the old one becomes the previous key until {@code graceUntil}. */
        RENEW
    }

    /**
     * The one UPDATE of {@code apply}, {@code changeKey} and {@code renewKey}. Touch columns go through
     * {@code GREATEST}, which ignores a NULL bind, so a delta without a touch leaves them as they
     * are; an unchanged value keeps the update HOT. Increments read the stored {@code data}; the
     * store folds increments of keys the delta also sets or removes into the set values, so the
     * stored value is the right base for the rest and the documented order holds. {@code data}:
     * the merged attributes to set, null to leave them alone.
     */
    private Query deltaUpdate(Field<JSONB> data, Move move) {
        boolean moveKey = move != Move.NONE;
        Map<Field<?>, Field<?>> assignments = new LinkedHashMap<>();
        if (moveKey) {
            assignments.put(KEY, param("newKey", KEY.getDataType()));
            // on the right of SET, "key" is the row's key before this update
            assignments.put(PREVIOUS_KEY, move == Move.RENEW ? KEY : DSL.inline(null, SQLDataType.BLOB));
            assignments.put(PREVIOUS_KEY_EXPIRES_AT, move == Move.RENEW ? param("graceUntil", TIMESTAMPTZ)
                    : DSL.inline(null, TIMESTAMPTZ));
            assignments.put(KEY_ISSUED_AT, param("keyIssuedAt", TIMESTAMPTZ));
        }
        if (data != null) {
            assignments.put(DATA, data);
        }
        assignments.put(PRINCIPAL, DSL.when(condition(param("principalChanged", SQLDataType.BOOLEAN)),
                param("principal", TEXT)).otherwise(PRINCIPAL));
        assignments.put(ABSOLUTE_EXPIRES_AT, DSL.coalesce(param("absoluteExpiresAt", TIMESTAMPTZ),
                ABSOLUTE_EXPIRES_AT));
        assignments.put(IDLE_TIMEOUT_MS, DSL.coalesce(param("idleTimeoutMs", SQLDataType.BIGINT), IDLE_TIMEOUT_MS));
        assignments.put(LAST_ACCESSED_AT, DSL.greatest(LAST_ACCESSED_AT, param("lastAccessedAt", TIMESTAMPTZ)));
        // forward only, except that a new idle timeout (which may be shorter) sets it outright
        assignments.put(IDLE_EXPIRES_AT, DSL.when(condition(param("idleReset", SQLDataType.BOOLEAN)),
                        DSL.coalesce(param("idleExpiresAtReset", TIMESTAMPTZ), IDLE_EXPIRES_AT))
                .otherwise(DSL.greatest(IDLE_EXPIRES_AT, param("idleExpiresAt", TIMESTAMPTZ))));
        // the only two assignments above that can make the expiry earlier are a new absolute expiry
        // and an idle expiry set outright; the store binds the earlier of those (or a NULL, which
        // least ignores), so sweep_at stays at or before expires_at, and unchanged, which keeps the
        // update HOT, whenever neither makes the expiry earlier than sweep_at
        assignments.put(SWEEP_AT, DSL.least(SWEEP_AT, param("sweepAtMost", TIMESTAMPTZ)));
        assignments.put(VERSION, VERSION.plus(inline(1L)));

        // only the current key renews; everything else also answers to the previous key
        Condition where = (move == Move.RENEW ? KEY.eq(param("key", KEY.getDataType())) : byKey())
                .and(live(param("now", TIMESTAMPTZ)))
                .and(jsonbTypeof(DATA).eq(inline("object")));
        if (moveKey) {
            Table<?> taken = table.as(name("taken"));
            where = where.andNotExists(dsl.selectOne().from(taken)
                    .where(field(name("taken", "key"), SQLDataType.BLOB).eq(param("newKeyTaken", KEY.getDataType()))));
        }
        return dsl.update(table).set(assignments).where(where).returning(COLUMNS);
    }

    /** {@code (data - removed) || set || increments}, the increments read from the stored data. */
    private Field<JSONB> mergedData() {
        Param<String[]> removed = param("removed", TEXT.array());
        Param<JSONB> set = param("set", SQLDataType.JSONB);
        Param<JSONB> increments = param("increments", SQLDataType.JSONB);

        Table<?> each = DSL.table("jsonb_each_text({0})", increments).as(name("inc"), name("k"), name("v"));
        Field<String> incKey = field(name("inc", "k"), TEXT);
        Field<String> incBy = field(name("inc", "v"), TEXT);
        Field<JSONB> current = field("({0} -> {1})", SQLDataType.JSONB, DATA, incKey);
        Field<String> currentText = field("({0} ->> {1})", TEXT, DATA, incKey);
        // Jackson's isIntegralNumber(): an integer literal that fits a long; anything else is 0
        Field<Long> base = DSL.when(jsonbTypeof(current).eq(inline("number")),
                        DSL.when(currentText.likeRegex(inline("^-?[0-9]+$"))
                                        .and(currentText.cast(SQLDataType.NUMERIC).between(inline(LONG_MIN), inline(LONG_MAX))),
                                currentText.cast(SQLDataType.BIGINT))
                                .otherwise(inline(0L)))
                .otherwise(inline(0L));
        Field<JSONB> incremented = function(name("to_jsonb"), SQLDataType.JSONB, base.plus(incBy.cast(SQLDataType.BIGINT)));
        Field<JSONB> incrementObject = field(dsl.select(DSL.jsonbObjectAgg(incKey, incremented)).from(each));
        return field("(({0} - {1}) || {2} || coalesce({3}, {4}))", SQLDataType.JSONB,
                DATA, removed, set, incrementObject, DSL.inline(JSONB.valueOf("{}")));
    }

    /** {@code (data - removed) || set}: {@link #mergedData()} for a delta without increments of stored values. */
    private Field<JSONB> replacedData() {
        return field("(({0} - {1}) || {2})", SQLDataType.JSONB, DATA, param("removed", TEXT.array()),
                param("set", SQLDataType.JSONB));
    }

    /**
     * {@code (data - removed) || set || jsonb_build_object(name, base + by)}: {@link #mergedData()}
     * for one increment, without its set-returning function and aggregate and with the base checked
     * by the stored number's scale rather than a regular expression on its text (a jsonb number's
     * text has no exponent, so "no fractional digits" is the same test). The name is bound once per
     * use ({@link #INCREMENT_NAME_PARAMS}), the amount as {@code incBy}.
     */
    private Field<JSONB> oneIncrementData() {
        Param<String[]> removed = param("removed", TEXT.array());
        Param<JSONB> set = param("set", SQLDataType.JSONB);
        Field<JSONB> typed = field("({0} -> {1})", SQLDataType.JSONB, DATA, param(INCREMENT_NAME_PARAMS.get(0), TEXT));
        Field<BigDecimal> scaled = field("({0} -> {1})", SQLDataType.JSONB, DATA, param(INCREMENT_NAME_PARAMS.get(1), TEXT))
                .cast(SQLDataType.NUMERIC);
        Field<BigDecimal> ranged = field("({0} -> {1})", SQLDataType.JSONB, DATA, param(INCREMENT_NAME_PARAMS.get(2), TEXT))
                .cast(SQLDataType.NUMERIC);
        Field<BigDecimal> value = field("({0} -> {1})", SQLDataType.JSONB, DATA, param(INCREMENT_NAME_PARAMS.get(3), TEXT))
                .cast(SQLDataType.NUMERIC);
        // the casts to numeric only under a CASE that has seen a number: CASE fixes the order
        Field<Long> base = DSL.when(jsonbTypeof(typed).eq(inline("number")),
                        DSL.when(function(name("scale"), SQLDataType.INTEGER, scaled).eq(inline(0))
                                        .and(ranged.between(inline(LONG_MIN), inline(LONG_MAX))),
                                value.cast(SQLDataType.BIGINT))
                                .otherwise(inline(0L)))
                .otherwise(inline(0L));
        Field<JSONB> incremented = function(name("to_jsonb"), SQLDataType.JSONB,
                base.plus(param("incBy", SQLDataType.BIGINT)));
        Field<JSONB> object = function(name("jsonb_build_object"), SQLDataType.JSONB, param(INCREMENT_NAME_PARAMS.get(4), TEXT), incremented);
        return field("(({0} - {1}) || {2} || {3})", SQLDataType.JSONB, DATA, removed, set, object);
    }

    /**
     * The write-behind flush: the touches of many sessions in one {@code UPDATE}, bound as four
     * arrays of equal length ({@code keys}, {@code lastAccessedAts}, {@code idleExpiresAts},
     * {@code nows}). Each entry has the guards of the single {@link #touch}: its key names the row
     * by its current key or by its previous key within the grace (at the entry's own {@code now}),
     * and the row must be live, so an ended row is never revived. Entries that name one row (its
     * current and its previous key) are merged first, keeping the greater times and the earliest
     * {@code now} (as the queue merges the touches of one key: the request that saw the row first
     * saw it live), since an {@code UPDATE … FROM} joined to two rows would apply only one of them;
     * the row is then written once, times only forward, version + 1, if on the version the update
     * locks it is active and live at that {@code now}, so a session ended after the lookup stays
     * ended. Only the columns of the single touch are set.
     *
     * <p>An entry's key is taken as the row's current key as it is, with no lookup (the update's
     * own primary-key probe finds the row or nothing); only the previous-key arm joins the table,
     * through its small partial index. Joining every entry to the table by {@code key = k or
     * previous_key = k} first cost a third of the statement (1,000 touches of a million-row table:
     * 21 ms against 16 ms with pgbench, docs/benchmarks.md).
     */
    private Query touchBatchQuery() {
        Name entryName = name("entry");
        // referenced twice, so PostgreSQL materializes it: the arrays are unnested once
        CommonTableExpression<?> entry = entryName.as(dsl.select(DSL.asterisk()).from(DSL.table(
                        "unnest({0}, {1}, {2}, {3})",
                        param("keys", SQLDataType.BLOB.array()), param("lastAccessedAts", TIMESTAMPTZ.array()),
                        param("idleExpiresAts", TIMESTAMPTZ.array()), param("nows", TIMESTAMPTZ.array()))
                .as(name("unnested"), name("k"), name("last_at"), name("idle_at"), name("now_at"))));
        Table<?> entries = DSL.table(entryName);
        Field<byte[]> entryKey = field(name("entry", "k"), SQLDataType.BLOB);
        Field<OffsetDateTime> entryLast = field(name("entry", "last_at"), TIMESTAMPTZ);
        Field<OffsetDateTime> entryIdle = field(name("entry", "idle_at"), TIMESTAMPTZ);
        Field<OffsetDateTime> entryNow = field(name("entry", "now_at"), TIMESTAMPTZ);
        Table<?> renewed = table.as(name("renewed"));
        Field<byte[]> renewedKey = field(name("renewed", KEY.getName()), SQLDataType.BLOB);
        Table<?> targets = dsl.select(entryKey.as("k"), entryLast.as("last_at"), entryIdle.as("idle_at"),
                        entryNow.as("now_at"))
                .from(entries)
                .unionAll(dsl.select(renewedKey, entryLast, entryIdle, entryNow)
                        .from(entries).join(renewed)
                        .on(field(name("renewed", PREVIOUS_KEY.getName()), SQLDataType.BLOB).eq(entryKey)
                                .and(field(name("renewed", PREVIOUS_KEY_EXPIRES_AT.getName()), TIMESTAMPTZ)
                                        .gt(entryNow))
                                // live at the entry's own now, as the request saw it (the row is read anyway)
                                .and(field(name("renewed", STATUS.getName()), TEXT).eq(inline(ACTIVE)))
                                .and(field(name("renewed", EXPIRES_AT.getName()), TIMESTAMPTZ).gt(entryNow))))
                .asTable(name("target"));
        Field<byte[]> targetKey = field(name("target", "k"), SQLDataType.BLOB);
        Table<?> due = dsl.select(targetKey.as("k"),
                        DSL.max(field(name("target", "last_at"), TIMESTAMPTZ)).as("last_at"),
                        DSL.max(field(name("target", "idle_at"), TIMESTAMPTZ)).as("idle_at"),
                        DSL.min(field(name("target", "now_at"), TIMESTAMPTZ)).as("now_at"))
                .from(targets)
                .groupBy(targetKey)
                .asTable(name("due"));
        return dsl.with(entry).update(table)
                .set(LAST_ACCESSED_AT, DSL.greatest(LAST_ACCESSED_AT, field(name("due", "last_at"), TIMESTAMPTZ)))
                .set(IDLE_EXPIRES_AT, DSL.greatest(IDLE_EXPIRES_AT, field(name("due", "idle_at"), TIMESTAMPTZ)))
                .set(VERSION, VERSION.plus(inline(1L)))
                .from(due)
                .where(KEY.eq(field(name("due", "k"), SQLDataType.BLOB)))
                .and(STATUS.eq(inline(ACTIVE)))
                .and(EXPIRES_AT.gt(field(name("due", "now_at"), TIMESTAMPTZ)));
    }

    /**
     * One statement of a sweep: of a bounded batch of due active rows ({@code sweep_at <= now}),
     * deletes the expired ones (their keys are returned) and moves the others' {@code sweep_at} up
     * to their expiry; and deletes a batch of ended audit rows past the retention (not returned).
     * The last row of the result has a NULL key and two counts: the due rows taken and those moved.
     */
    private Query purgeQuery() {
        // "ctid = any(array(select ctid …))": the rows are found through a partial index and written
        // by their physical address. The obvious "key in (select key …)" is planned as a semi-join
        // over the whole table, once per batch (measured: 2.9 s against 0.7 s for 100,000 expired
        // rows among 110,000), and "key = any(array(select key …))" costs a primary-key probe per row
        // (a batch took 1.8–1.9 times as long at 1 million rows, 2.5–2.8 times at 10 million:
        // docs/benchmarks.md).
        //
        // The batch is the due rows, oldest sweep_at first, whatever their exact expiry: a filter on
        // expires_at in the index scan would step over every live due row to fill a batch, without
        // bound after a migration (every row due). Touches move expires_at, never sweep_at, which is
        // what keeps them HOT; the price is a visit per session every idle timeout or so, which
        // moves sweep_at once (a write that is not HOT, as the old expiry index made every touch).
        //
        // The delete takes no lock first (issue 15: a lock and then the delete wrote every row
        // twice). The statement's snapshot keeps a row it found from being vacuumed, so its ctid
        // names that row until the delete reaches it; a row deleted meanwhile by another sweeper is
        // skipped after waiting for that sweeper's commit (so every key is returned by exactly one
        // sweeper). A request whose clock is a little behind the sweeper's may still touch a row the
        // sweeper found expired; the delete then waits and reaches the new version, whose ctid not
        // every PostgreSQL release checks again for a tuple-id scan, so the delete repeats the
        // expiry condition itself ("nowAgain"): a session the touch made live again stays
        // (PostgresSessionStoreTest holds it), neither deleted nor moved, and is moved by a later
        // batch. The tuple-id scan takes the row locks in ctid order, so two deletes cannot deadlock.
        //
        // The move locks its rows with "for update skip locked" and never waits: two sweepers whose
        // clocks differ by a little can see one row as expired and the other as live, and a move
        // that waited for a row another sweeper's delete holds, while holding rows that delete is
        // waiting for, would deadlock. It runs after the delete (it is read by the last row of the
        // result only), so the delete, which may wait, holds no moved rows. A row locked elsewhere
        // stays due for the next batch. The lock costs moved rows a second write; expired ones none.
        //
        // Ended audit rows take no write at all: oldest first through their partial index.
        Name dueName = name("due");
        Table<?> dueTable = DSL.table(dueName);
        Field<Object> dueCtid = field(name("due", CTID.getName()), SQLDataType.OTHER);
        Field<OffsetDateTime> dueExpiry = field(name("due", EXPIRES_AT.getName()), TIMESTAMPTZ);
        // the expiry as the batch found it splits the batch, so the delete and the move each visit
        // only their own rows; both check it again on the row they reach
        CommonTableExpression<?> due = dueName.as(dsl.select(CTID, EXPIRES_AT).from(table)
                .where(STATUS.eq(inline(ACTIVE)))
                .and(SWEEP_AT.le(param("now", TIMESTAMPTZ)))
                .orderBy(SWEEP_AT)
                .limit(param("limit", SQLDataType.INTEGER)));
        CommonTableExpression<?> expired = name("expired").as(dsl.deleteFrom(table)
                .where(byCtid(dsl.select(dueCtid).from(dueTable).where(dueExpiry.le(param("nowDue", TIMESTAMPTZ)))))
                // checked again on the row the delete reaches: see above
                .and(STATUS.eq(inline(ACTIVE)))
                .and(EXPIRES_AT.le(param("nowAgain", TIMESTAMPTZ)))
                .returning(KEY));
        Name movedName = name("moved");
        CommonTableExpression<?> moved = movedName.as(dsl.update(table)
                .set(SWEEP_AT, EXPIRES_AT)
                .where(byCtid(dsl.select(CTID).from(table)
                        .where(byCtid(dsl.select(dueCtid).from(dueTable).where(dueExpiry.gt(param("nowDueLive",
                                TIMESTAMPTZ)))))
                        .and(STATUS.eq(inline(ACTIVE)))
                        .and(EXPIRES_AT.gt(param("nowLive", TIMESTAMPTZ)))
                        .forUpdate().skipLocked()))
                .and(STATUS.eq(inline(ACTIVE)))
                .and(EXPIRES_AT.gt(param("nowLiveAgain", TIMESTAMPTZ)))
                .returning(KEY));
        CommonTableExpression<?> ended = name("ended").as(dsl.deleteFrom(table)
                .where(byCtid(dsl.select(CTID).from(table)
                        .where(STATUS.ne(inline(ACTIVE)))
                        .and(LOGGED_OUT_AT.lt(param("auditCutoff", TIMESTAMPTZ)))
                        .orderBy(LOGGED_OUT_AT)
                        .limit(param("auditLimit", SQLDataType.INTEGER))))
                .returning(KEY));
        Field<byte[]> expiredKey = field(name("expired", "key"), SQLDataType.BLOB);
        Field<Long> noCount = inline(null, SQLDataType.BIGINT);
        Select<org.jooq.Record3<byte[], Long, Long>> counts = dsl.select(inline(null, SQLDataType.BLOB),
                field(dsl.selectCount().from(dueTable)).cast(SQLDataType.BIGINT),
                field(dsl.selectCount().from(DSL.table(movedName))).cast(SQLDataType.BIGINT));
        if (!notifying) {
            return dsl.with(due, expired, moved, ended).select(expiredKey, noCount, noCount).from(expired)
                    .unionAll(counts);
        }
        // a sweep ends thousands at once: one notification per EventPayload.KEYS_PER_NOTICE keys, not
        // one per key. "announced" is a plain CTE, run only because the final WHERE reads it.
        Table<?> numbered = dsl.select(expiredKey.as(KEY.getName()),
                        DSL.rowNumber().over().minus(inline(1)).div(inline(EventPayload.KEYS_PER_NOTICE)).as("g"))
                .from(expired).asTable("numbered");
        Field<String> keys = field("string_agg({0}, ',')", TEXT, hex(field(name("numbered", KEY.getName()), SQLDataType.BLOB)));
        CommonTableExpression<?> announced = name("announced").as(dsl
                .select(notify(inline(SessionStatus.EXPIRED.code()), keys).as("n"))
                .from(numbered)
                .groupBy(field(name("numbered", "g"))));
        return dsl.with(due, expired, moved, ended, announced).select(expiredKey, noCount, noCount).from(expired)
                .where(field(dsl.selectCount().from(announced)).ge(inline(0)))
                .unionAll(counts);
    }

    private static Condition byCtid(Select<?> lockedRows) {
        return DSL.condition("{0} = any(array({1}))", CTID, lockedRows);
    }

    private static Field<String> jsonbTypeof(Field<JSONB> value) {
        return function(name("jsonb_typeof"), TEXT, value);
    }

    // ---------------------------------------------------------------- DDL

    /**
     * The DDL of the current schema, rendered with inlined constants, in order. Every statement is
     * idempotent, so the same list creates a new table and brings a version-1 or version-2 table up
     * to date.
     */
    List<String> createStatements() {
        List<Query> ddl = new ArrayList<>();
        if (schema != null) {
            ddl.add(dsl.createSchemaIfNotExists(name(schema)));
        }
        ddl.add(dsl.createTableIfNotExists(table)
                .column(KEY, SQLDataType.BLOB.nullable(false))
                .column(PRINCIPAL, TEXT.nullable(true))
                .column(DATA, SQLDataType.JSONB.nullable(false).defaultValue(DSL.inline(JSONB.valueOf("{}"))))
                .column(CREATED_AT, TIMESTAMPTZ.nullable(false))
                .column(LAST_ACCESSED_AT, TIMESTAMPTZ.nullable(false))
                .column(IDLE_EXPIRES_AT, TIMESTAMPTZ.nullable(false))
                .column(ABSOLUTE_EXPIRES_AT, TIMESTAMPTZ.nullable(false))
                .column(IDLE_TIMEOUT_MS, SQLDataType.BIGINT.nullable(false))
                .column(IP, TEXT.nullable(true))
                .column(USER_AGENT, TEXT.nullable(true))
                .column(STATUS, TEXT.nullable(false).defaultValue(inline(ACTIVE)))
                .column(LOGGED_OUT_AT, TIMESTAMPTZ.nullable(true))
                .column(VERSION, SQLDataType.BIGINT.nullable(false).defaultValue(inline(0L)))
                .constraints(
                        DSL.primaryKey(KEY),
                        DSL.check(function(name("octet_length"), SQLDataType.INTEGER, KEY).eq(inline(32))),
                        DSL.check(IDLE_TIMEOUT_MS.gt(inline(0L))))
                .storage(DSL.sql("with (fillfactor = " + FILLFACTOR + ")")));
        // jOOQ's open-source edition renders no generated columns, hence a constant template;
        // generated, the earlier expiry can never disagree with the two it is made of
        ddl.add(dsl.query("alter table {0} add column if not exists {1} timestamp with time zone not null"
                + " generated always as (least({2}, {3})) stored", table, EXPIRES_AT, IDLE_EXPIRES_AT,
                ABSOLUTE_EXPIRES_AT));
        // "sessions of user X" and "log out everywhere"; anonymous sessions (most creates) stay out of
        // it, which saves an index insertion per new session ("principal = ?" implies not null)
        ddl.add(dsl.createIndexIfNotExists(indexName("_principal_idx")).on(table, PRINCIPAL, STATUS)
                .where(PRINCIPAL.isNotNull()));
        // audit retention: only ended rows
        ddl.add(dsl.createIndexIfNotExists(indexName("_ended_idx")).on(table, LOGGED_OUT_AT)
                .where(STATUS.ne(inline(ACTIVE))));
        // schema 2: a renewed session's previous key, for the grace period of requests in flight
        ddl.add(dsl.query("alter table {0} add column if not exists {1} bytea null", table, PREVIOUS_KEY));
        ddl.add(dsl.query("alter table {0} add column if not exists {1} timestamp with time zone null", table,
                PREVIOUS_KEY_EXPIRES_AT));
        ddl.add(dsl.createIndexIfNotExists(indexName("_previous_key_idx")).on(table, PREVIOUS_KEY)
                .where(PREVIOUS_KEY.isNotNull()));
        // schema 2: when the session got its current key, for the renewal interval (null: at creation)
        ddl.add(dsl.query("alter table {0} add column if not exists {1} timestamp with time zone null", table,
                KEY_ISSUED_AT));
        // schema 2: the status check admits 'replaced'. Version 1 made it inline, under a name
        // PostgreSQL chose, so every check on the status is found and dropped, then one named
        // check is added (each step idempotent; all of it in the migration's transaction)
        String statuses = String.join(", ", STATUSES.stream().map(st -> "'" + st + "'").toList());
        String qualified = dsl.render(table);
        ddl.add(dsl.query("do $sessionkit$ declare c record; begin for c in select conname from pg_catalog.pg_constraint"
                + " where conrelid = '" + qualified.replace("'", "''") + "'::regclass and contype = 'c'"
                + " and pg_catalog.pg_get_constraintdef(oid) like '%status%' loop execute format('alter table "
                + qualified.replace("'", "''") + " drop constraint %I', c.conname); end loop; end $sessionkit$"));
        ddl.add(dsl.query("alter table {0} add constraint {1} check ({2} in (" + statuses + "))", table,
                DSL.name(indexName("_status_check").last()), STATUS));
        // schema 3: the sweep finds active rows by sweep_at, a lower bound of the expiry that touches
        // and attribute writes leave alone, so no index holds a column they change and they are HOT
        // updates. Added NOT NULL with a constant default, the column costs no rewrite on a big table
        // (PostgreSQL 11 and later store the default once): every existing row, and any row inserted
        // without it, reads '-infinity', due at once, and the first sweeps give each its expiry.
        ddl.add(dsl.query("alter table {0} add column if not exists {1} timestamp with time zone not null"
                + " default '-infinity'", table, SWEEP_AT));
        ddl.add(dsl.createIndexIfNotExists(indexName("_sweep_idx")).on(table, SWEEP_AT)
                .where(STATUS.eq(inline(ACTIVE))));
        // the index on expires_at (schemas 1 and 2) made every touch a non-HOT update; nothing reads it now
        ddl.add(dsl.dropIndexIfExists(indexName("_expires_idx")));
        ddl.add(dsl.commentOnTable(table).is(SCHEMA_MARKER));
        List<String> rendered = new ArrayList<>();
        for (Query query : ddl) {
            rendered.add(dsl.renderInlined(query));
        }
        return rendered;
    }

    /**
     * An index name that stays unique when the table name is long: PostgreSQL cuts identifiers at
     * 63 bytes, which would make every suffix collide, so the table part is cut instead.
     */
    private Name indexName(String suffix) {
        String base = tableName.length() + suffix.length() > MAX_IDENTIFIER
                ? tableName.substring(0, MAX_IDENTIFIER - suffix.length()) : tableName;
        return schema == null ? name(base + suffix) : name(schema, base + suffix);
    }

    DSLContext dsl() {
        return dsl;
    }

    /** Used by tests: the SQL of every statement. */
    List<Sql> statements() {
        return List.of(load, loadPrevious, create, applyMeta, applyMerge, applyIncrement, applyReplace, changeKeyMeta,
                changeKeyMerge, changeKeyReplace, renewKeyMeta, renewKeyMerge, renewKeyReplace,
                touch, touchBatch, end, findByPrincipal, endByPrincipal, endOthersByPrincipal, replaceOldest, countOthers, findLive,
                purge, announce, stats);
    }
}
