package dev.sessionkit.redis;

/**
 * The store's Lua scripts. Each runs on one hash slot: the keys it is given, and for the bucket
 * scripts keys it builds from the bucket's prefix, share one hash tag (see the module README).
 *
 * <p>Times are microseconds since the epoch, which a Lua number (a double) holds exactly until
 * the year 2255; numbers written back go through {@code string.format('%.0f')}, because Redis
 * would turn a Lua number into text with only 14 significant digits.
 */
final class Scripts {

    private Scripts() {
    }

    /** Sets fields from {@code ARGV[from]} on, in chunks, so huge sessions stay within Lua's stack. */
    private static final String HSET_FROM = """
            local function hset_from(key, from)
              local i = from
              while i <= #ARGV do
                local last = math.min(i + 199, #ARGV)
                redis.call('hset', key, unpack(ARGV, i, last))
                i = last + 1
              end
            end
            """;

    /**
     * Creates a session if its key is free. KEYS: session, expiry index, creation index. ARGV: ttl
     * ms, expiry score, creation score, member, a pointer target that may be replaced ('' for
     * none: used when a failed move puts a session back), then field/value pairs.
     */
    static final Script CREATE = new Script("create", HSET_FROM + """
            if redis.call('exists', KEYS[1]) == 1 then
              if ARGV[5] == '' or redis.call('hget', KEYS[1], 'mv') ~= ARGV[5] then return 0 end
              redis.call('del', KEYS[1])
            end
            hset_from(KEYS[1], 6)
            redis.call('pexpire', KEYS[1], ARGV[1])
            redis.call('zadd', KEYS[2], ARGV[2], ARGV[4])
            redis.call('zadd', KEYS[3], ARGV[3], ARGV[4])
            return 1
            """);

    /**
     * Writes a delta computed from the snapshot of version {@code ARGV[1]}, only if the session
     * is still active at that version. KEYS: session, expiry index. ARGV: version, ttl ms, expiry
     * score, member, number of fields to delete, those fields, then field/value pairs.
     */
    static final Script WRITE = new Script("write", HSET_FROM + """
            local h = redis.call('hmget', KEYS[1], 'v', 'st', 'mv')
            if h[1] ~= ARGV[1] or h[2] ~= 'active' or h[3] then return 0 end
            local n = tonumber(ARGV[5])
            if n > 0 then redis.call('hdel', KEYS[1], unpack(ARGV, 6, 5 + n)) end
            hset_from(KEYS[1], 6 + n)
            redis.call('pexpire', KEYS[1], ARGV[2])
            redis.call('zadd', KEYS[2], ARGV[3], ARGV[4])
            return 1
            """);

    /**
     * Moves access time and idle expiry forward on a live session. KEYS: session, expiry index.
     * ARGV: now, last accessed, idle expiry, member, TTL slack ms.
     */
    static final Script TOUCH = new Script("touch", """
            local h = redis.call('hmget', KEYS[1], 'st', 'ie', 'ae', 'la', 'v', 'mv')
            if h[6] or h[1] ~= 'active' then return 0 end
            local now, ie, ae, la, v = tonumber(ARGV[1]), tonumber(h[2]), tonumber(h[3]), tonumber(h[4]), tonumber(h[5])
            if not (ie and ae and la and v) or ie <= now or ae <= now then return 0 end
            local nla = math.max(la, tonumber(ARGV[2]))
            local nie = math.max(ie, tonumber(ARGV[3]))
            redis.call('hset', KEYS[1], 'la', string.format('%.0f', nla), 'ie', string.format('%.0f', nie),
              'v', string.format('%.0f', v + 1))
            local exp = math.min(nie, ae)
            redis.call('zadd', KEYS[2], string.format('%.0f', exp), ARGV[4])
            redis.call('pexpire', KEYS[1], math.floor((exp - now) / 1000) + tonumber(ARGV[5]))
            return 1
            """);

    /** Keeps an ended or expired session as an audit record, or deletes it. */
    private static final String RETIRE = """
            local function retire(key, ended, member, status, now, keep)
              if keep > 0 then
                local drop = {}
                for _, f in ipairs(redis.call('hkeys', key)) do
                  if string.sub(f, 1, 2) == 'a:' then table.insert(drop, f) end
                end
                for i = 1, #drop, 200 do
                  redis.call('hdel', key, unpack(drop, i, math.min(i + 199, #drop)))
                end
                redis.call('hset', key, 'st', status, 'lo', string.format('%.0f', now))
                redis.call('pexpire', key, keep)
                redis.call('zadd', ended, string.format('%.0f', now + keep * 1000), member)
              else
                redis.call('del', key)
              end
            end
            """;

    /**
     * Ends a live session, if ARGV[5] is not empty only when it is that principal's. KEYS:
     * session, expiry index, creation index, audit index. ARGV: now, status, audit retention ms,
     * member, principal.
     */
    static final Script END = new Script("end", RETIRE + """
            local h = redis.call('hmget', KEYS[1], 'st', 'ie', 'ae', 'p', 'mv')
            if h[5] or h[1] ~= 'active' then return 0 end
            local now, ie, ae = tonumber(ARGV[1]), tonumber(h[2]), tonumber(h[3])
            if not (ie and ae) or ie <= now or ae <= now then return 0 end
            if ARGV[5] ~= '' and h[4] ~= ARGV[5] then return 0 end
            redis.call('zrem', KEYS[2], ARGV[4])
            redis.call('zrem', KEYS[3], ARGV[4])
            retire(KEYS[1], KEYS[4], ARGV[4], ARGV[2], now, tonumber(ARGV[3]))
            return 1
            """);

    /**
     * Takes a session off its key for a move, if it is still active at version ARGV[1]; leaves a
     * pointer to the new key when ARGV[3] is 'ptr' (a renewal's grace). KEYS: session, expiry
     * index, creation index. ARGV: version, member, mode, new key, grace until, pointer ttl ms.
     */
    static final Script MOVE_OUT = new Script("move-out", """
            local h = redis.call('hmget', KEYS[1], 'v', 'st', 'mv')
            if h[1] ~= ARGV[1] or h[2] ~= 'active' or h[3] then return 0 end
            redis.call('zrem', KEYS[2], ARGV[2])
            redis.call('zrem', KEYS[3], ARGV[2])
            redis.call('del', KEYS[1])
            if ARGV[3] == 'ptr' then
              redis.call('hset', KEYS[1], 'mv', ARGV[4], 'pu', ARGV[5])
              redis.call('pexpire', KEYS[1], ARGV[6])
            end
            return 1
            """);

    /**
     * Files a session under a principal. KEYS: the principal index. ARGV: score (absolute
     * expiry), member, the index's TTL ms (only ever extended).
     */
    static final Script INDEX_ADD = new Script("index-add", """
            redis.call('zadd', KEYS[1], ARGV[1], ARGV[2])
            local ttl = tonumber(ARGV[3])
            if redis.call('pttl', KEYS[1]) < ttl then redis.call('pexpire', KEYS[1], ttl) end
            return 1
            """);

    /** Drops the members whose absolute expiry has passed and lists the rest. KEYS: index. ARGV: now. */
    static final Script INDEX_LIST = new Script("index-list", """
            redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[1])
            return redis.call('zrange', KEYS[1], 0, -1)
            """);

    /**
     * Purges up to ARGV[2] sessions of one bucket that expired by ARGV[1]; returns their members.
     * KEYS: expiry index, creation index, audit index. ARGV: now, limit, the bucket's session key
     * prefix, audit retention ms.
     */
    static final Script PURGE = new Script("purge", RETIRE + """
            local now = tonumber(ARGV[1])
            redis.call('zremrangebyscore', KEYS[3], '-inf', ARGV[1])
            local due = redis.call('zrangebyscore', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
            local out = {}
            for _, m in ipairs(due) do
              local key = ARGV[3] .. m
              local h = redis.call('hmget', key, 'st', 'ie', 'ae', 'mv')
              local ie, ae = tonumber(h[2]), tonumber(h[3])
              local drop = true
              if h[4] then
                drop = true
              elseif not h[1] then
                table.insert(out, m)
              elseif h[1] == 'active' and ie and ae and math.min(ie, ae) > now then
                redis.call('zadd', KEYS[1], string.format('%.0f', math.min(ie, ae)), m)
                drop = false
              elseif h[1] == 'active' and ie and ae then
                retire(key, KEYS[3], m, 'expired', now, tonumber(ARGV[4]))
                table.insert(out, m)
              elseif h[1] == 'active' then
                redis.call('del', key)
                table.insert(out, m)
              end
              if drop then
                redis.call('zrem', KEYS[1], m)
                redis.call('zrem', KEYS[2], m)
              end
            end
            return out
            """);

    /** One bucket's counts: {held active, expired unpurged, audit records}. KEYS: expiry, audit index. ARGV: now. */
    static final Script STATS = new Script("stats", """
            return {redis.call('zcard', KEYS[1]), redis.call('zcount', KEYS[1], '-inf', ARGV[1]),
              redis.call('zcount', KEYS[2], '(' .. ARGV[1], '+inf')}
            """);

    /**
     * Up to ARGV[2] live members of one bucket, oldest first, each followed by its creation score.
     * KEYS: creation index, expiry index. ARGV: now, limit.
     */
    static final Script LIVE = new Script("live", """
            local now, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
            local out, found, from = {}, 0, 0
            while found < limit do
              local page = redis.call('zrange', KEYS[1], from, from + 199, 'WITHSCORES')
              if #page == 0 then break end
              for i = 1, #page, 2 do
                local exp = tonumber(redis.call('zscore', KEYS[2], page[i]))
                if exp and exp > now and found < limit then
                  table.insert(out, page[i])
                  table.insert(out, page[i + 1])
                  found = found + 1
                end
              end
              from = from + 200
            end
            return out
            """);

    /** Releases a principal's lock if this holder still has it. KEYS: lock. ARGV: token. */
    static final Script UNLOCK = new Script("unlock", """
            if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
            return 0
            """);

    /** A script and its SHA-1, for {@code EVALSHA}. */
    record Script(String name, String source, String sha) {

        Script(String name, String source) {
            this(name, source, sha1(source));
        }

        private static String sha1(String text) {
            try {
                byte[] digest = java.security.MessageDigest.getInstance("SHA-1")
                        .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return java.util.HexFormat.of().formatHex(digest);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("no SHA-1", e);
            }
        }
    }
}
