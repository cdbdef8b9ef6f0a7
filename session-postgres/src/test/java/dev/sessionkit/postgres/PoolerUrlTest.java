package dev.sessionkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class PoolerUrlTest {

    @Test
    void pgbouncerFlagIsTakenOutOfAJdbcUrlWhereverItStands() {
        assertThat(PoolerUrl.withoutFlag("jdbc:postgresql://h:6432/app?pgbouncer=true")).isEqualTo("jdbc:postgresql://h:6432/app");
        assertThat(PoolerUrl.withoutFlag("jdbc:postgresql://h/app?pgbouncer=true&sslmode=require"))
                .isEqualTo("jdbc:postgresql://h/app?sslmode=require");
        assertThat(PoolerUrl.withoutFlag("jdbc:postgresql://h/app?sslmode=require&pgbouncer=true&user=a"))
                .isEqualTo("jdbc:postgresql://h/app?sslmode=require&user=a");
        assertThat(PoolerUrl.withoutFlag("jdbc:postgresql://h/app?sslmode=require&pgbouncer=true"))
                .isEqualTo("jdbc:postgresql://h/app?sslmode=require");
        assertThat(PoolerUrl.withoutFlag("jdbc:postgresql://h/app?mypgbouncer=true")).isEqualTo("jdbc:postgresql://h/app?mypgbouncer=true");
    }

    @Test
    void onlyTheExactParameterCounts() {
        assertThat(PoolerUrl.saysPgbouncer("postgres://u@h/app?mypgbouncer=true")).isFalse();
        assertThat(PoolerUrl.saysPgbouncer("postgres://u@h/app?sslmode=require&pgbouncer=true")).isTrue();
        assertThat(PoolerUrl.saysPgbouncer("postgres://u@h/pgbouncer=true")).isFalse();
    }
}
