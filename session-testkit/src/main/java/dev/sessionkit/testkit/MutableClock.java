package dev.sessionkit.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that stands still until a test moves it, so tests of expiry never sleep.
 *
 * <p>Thread-safe: {@link #advance(Duration)} and {@link #set(Instant)} may be called while other
 * threads read the time. Clocks derived with {@link #withZone(ZoneId)} share this clock's time,
 * so moving one moves all of them.
 */
public final class MutableClock extends Clock {

    /** Where {@link #create()} starts: a fixed instant with whole seconds, so every store can hold it exactly. */
    public static final Instant DEFAULT_START = Instant.parse("2030-01-01T00:00:00Z");

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /** A clock in UTC standing at {@link #DEFAULT_START}. */
    public static MutableClock create() {
        return at(DEFAULT_START);
    }

    /**
     * A clock in UTC standing at {@code start}.
     *
     * @throws NullPointerException if {@code start} is null
     */
    public static MutableClock at(Instant start) {
        return new MutableClock(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    /**
     * Moves the clock forward.
     *
     * @return the new time
     * @throws NullPointerException if {@code amount} is null
     * @throws IllegalArgumentException if {@code amount} is negative; use {@link #set(Instant)} to go back
     */
    public Instant advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("advance takes a duration that is not negative, not " + amount
                    + "; use set(Instant) to move the clock back");
        }
        return now.updateAndGet(current -> current.plus(amount));
    }

    /**
     * Puts the clock at {@code instant}, forward or back.
     *
     * @throws NullPointerException if {@code instant} is null
     */
    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A view of this clock in another zone; it shares this clock's time. */
    @Override
    public MutableClock withZone(ZoneId newZone) {
        Objects.requireNonNull(newZone, "newZone");
        return newZone.equals(zone) ? this : new MutableClock(now, newZone);
    }

    @Override
    public String toString() {
        return "MutableClock[" + now.get() + ", " + zone + "]";
    }
}
