package dev.sessionkit.spring;

import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;

/** The one clock of sessionkit's beans: the application's single {@link Clock} bean, else the UTC system clock. */
final class Clocks {

    private Clocks() {
    }

    static Clock of(ObjectProvider<Clock> clocks) {
        return clocks.getIfUnique(Clock::systemUTC);
    }
}
