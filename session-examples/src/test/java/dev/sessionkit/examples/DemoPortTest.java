package dev.sessionkit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class DemoPortTest {

    @Test
    void noPortIsTheDefaultAndANumberIsThatPort() {
        assertThat(DemoPort.parse(null)).isEqualTo(8080);
        assertThat(DemoPort.parse(" ")).isEqualTo(8080);
        assertThat(DemoPort.parse(" 9090 ")).isEqualTo(9090);
        assertThat(DemoPort.parse("0")).isZero();
    }

    @Test
    void anythingElseIsRefusedNamingTheSetting() {
        for (String bad : new String[] {"abc", "-1", "65536", "80.5"}) {
            assertThatThrownBy(() -> DemoPort.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("PORT must be a port number from 0 to 65535, not '" + bad + "'");
        }
    }
}
