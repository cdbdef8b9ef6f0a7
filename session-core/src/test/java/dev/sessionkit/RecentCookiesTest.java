package dev.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class RecentCookiesTest {

    private final RecentCookies recent = new RecentCookies();

    private static String valueOf(SessionId id) {
        return id.value() + ".signature-of-43-characters-stands-in-here0";
    }

    @Test
    void aRememberedValueIsFoundWithItsVerdictAndItsKeyAlreadyDerived() {
        SessionId id = SessionId.generate();
        CookiePolicy.Verified verified = new CookiePolicy.Verified(id, false);

        recent.remember(valueOf(id), verified);

        Optional<CookiePolicy.Verified> found = recent.find(new String(valueOf(id).toCharArray()));
        assertThat(found).contains(verified);
        assertThat(found.orElseThrow().id().lookupKey()).isSameAs(id.lookupKey());
    }

    @Test
    void aValueNeverRememberedOrDifferingInOneCharacterIsNotFound() {
        SessionId id = SessionId.generate();
        String value = valueOf(id);
        recent.remember(value, new CookiePolicy.Verified(id, true));

        assertThat(recent.find(valueOf(SessionId.generate()))).isNull();
        for (int i = 0; i < value.length(); i++) {
            char[] chars = value.toCharArray();
            chars[i] = chars[i] == 'x' ? 'y' : 'x';
            assertThat(recent.find(new String(chars))).as("changed at %d", i).isNull();
        }
        assertThat(recent.find(value.substring(1))).isNull();
        assertThat(recent.find(value + "x")).isNull();
    }

    @Test
    void aNewerValueTakesTheSlotOfAnOlderOneAndOnlyItIsFound() {
        // two values that share a slot, found by trying fresh ids
        Map<Integer, SessionId> bySlot = new HashMap<>();
        SessionId older = null;
        SessionId newer = null;
        while (newer == null) {
            SessionId candidate = SessionId.generate();
            SessionId clash = bySlot.putIfAbsent(RecentCookies.slot(valueOf(candidate)), candidate);
            if (clash != null) {
                older = clash;
                newer = candidate;
            }
        }
        recent.remember(valueOf(older), new CookiePolicy.Verified(older, true));
        assertThat(recent.find(valueOf(older))).isPresent();

        recent.remember(valueOf(newer), new CookiePolicy.Verified(newer, true));

        SessionId taker = newer;
        assertThat(recent.find(valueOf(newer))).hasValueSatisfying(v -> assertThat(v.id()).isEqualTo(taker));
        assertThat(recent.find(valueOf(older))).isNull();
    }
}
