package dev.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.AppEnvironment;
import dev.sessionkit.CommitResult;
import dev.sessionkit.RequestInfo;
import dev.sessionkit.SameSite;
import dev.sessionkit.SessionConfigurationException;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionListener;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStore;
import dev.sessionkit.memory.CaffeineSessionStore;
import dev.sessionkit.servlet.SessionFilter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

final class SessionkitAutoConfigurationTest {

    static final String SECRET = "a-test-secret-that-is-long-enough-0123456789";
    static final String OTHER_SECRET = "an-older-secret-that-still-verifies-0123456789";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SessionkitPostgresStoreAutoConfiguration.class,
                    SessionkitMemoryStoreAutoConfiguration.class, SessionkitAutoConfiguration.class));

    @Test
    void noConfigurationRunsOnMemoryInDevelopment() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(SessionManager.class).hasSingleBean(SessionStore.class);
            assertThat(context.getBean(SessionStore.class)).isInstanceOf(CaffeineSessionStore.class);
            SessionSettings settings = context.getBean(SessionSettings.class);
            assertThat(settings.environment()).isEqualTo(AppEnvironment.DEVELOPMENT);
            assertThat(settings.store()).isEqualTo("auto");
            assertThat(settings.secretGenerated()).isTrue();
            assertThat(context.getBean(SessionManager.class).store()).isSameAs(context.getBean(SessionStore.class));
        });
    }

    @Test
    void sessionkitPropertiesBindIntoSettings() {
        runner.withPropertyValues("sessionkit.ttl=30m", "sessionkit.absolute-ttl=12h", "sessionkit.touch-interval=1m",
                "sessionkit.cookie.name=app_sid", "sessionkit.cookie.same-site=strict", "sessionkit.cookie.secure=true",
                "sessionkit.cookie.persistent=false", "sessionkit.cookie.path=/app", "sessionkit.rolling=true",
                "sessionkit.trust-proxy=true", "sessionkit.tls-offloaded=true",
                "sessionkit.secrets=" + SECRET + "," + OTHER_SECRET,
                "sessionkit.cleanup-interval=10m").run(context -> {
                    SessionSettings s = context.getBean(SessionSettings.class);
                    assertThat(s.ttl()).isEqualTo(Duration.ofMinutes(30));
                    assertThat(s.absoluteTtl()).isEqualTo(Duration.ofHours(12));
                    assertThat(s.touchInterval()).isEqualTo(Duration.ofMinutes(1));
                    assertThat(s.cookieName()).isEqualTo("app_sid");
                    assertThat(s.sameSite()).isEqualTo(SameSite.STRICT);
                    assertThat(s.cookieSecure()).isTrue();
                    assertThat(s.cookiePersistent()).isFalse();
                    assertThat(s.cookiePath()).isEqualTo("/app");
                    assertThat(s.rolling()).isTrue();
                    assertThat(s.trustProxy()).isTrue();
                    assertThat(s.tlsOffloaded()).isTrue();
                    assertThat(s.secrets()).containsExactly(SECRET, OTHER_SECRET);
                    assertThat(s.secretGenerated()).isFalse();
                    assertThat(s.cleanupInterval()).isEqualTo(Duration.ofMinutes(10));
                });
    }

    @Test
    void renewalPropertiesBindIntoSettingsAndABadOneFailsNamingTheVariable() {
        runner.withPropertyValues("sessionkit.renewal-interval=20m", "sessionkit.renewal-grace=3s").run(context -> {
            SessionSettings s = context.getBean(SessionSettings.class);
            assertThat(s.renewalInterval()).contains(Duration.ofMinutes(20));
            assertThat(s.renewalGrace()).isEqualTo(Duration.ofSeconds(3));
        });
        runner.withPropertyValues("sessionkit.renewal-grace=3s").run(context -> assertThat(context).hasFailed()
                .getFailure().hasStackTraceContaining("SESSION_RENEWAL_GRACE has no effect without SESSION_RENEWAL_INTERVAL"));
    }

    @Test
    void storePropertiesReachTheStoreUnderItsName() {
        runner.withPropertyValues("sessionkit.memory.max-sessions=500").run(context -> assertThat(
                context.getBean(SessionStore.class)).hasToString("CaffeineSessionStore[maximumSize=500, closed=false]"));
        runner.withPropertyValues("SESSION_MEMORY_MAX_SESSIONS=7").run(context -> assertThat(
                context.getBean(SessionStore.class)).hasToString("CaffeineSessionStore[maximumSize=7, closed=false]"));
        runner.withPropertyValues("SESSION_MEMORY_MAX_SESSIONS=7", "sessionkit.memory.max-sessions=8").run(context ->
                assertThat(context.getBean(SessionStore.class)).hasToString("CaffeineSessionStore[maximumSize=8, closed=false]"));
    }

    @Test
    void aBadStorePropertyFailsNamingTheProperty() {
        runner.withPropertyValues("sessionkit.memory.max-sessions=lots").run(context -> {
            assertThat(context).hasFailed();
            SessionConfigurationException e = rootCause(context.getStartupFailure(), SessionConfigurationException.class);
            assertThat(e.setting()).isEqualTo("SESSION_MEMORY_MAX_SESSIONS");
            FailureAnalysis analysis = new SessionkitFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getAction()).contains("sessionkit.memory.max-sessions");
        });
    }

    @Test
    void aThirdPartyStoreIsSelectedByNameAndGetsItsPropertiesInEveryForm() {
        runner.withPropertyValues("sessionkit.store=label-store", "sessionkit.label-store.label=short").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(LabelStoreProvider.lastLabel).isEqualTo("short");
        });
        runner.withPropertyValues("sessionkit.store=label-store", "sessionkit.store.label-store.label=generic")
                .run(context -> assertThat(LabelStoreProvider.lastLabel).isEqualTo("generic"));
        runner.withPropertyValues("SESSION_STORE=label-store", "LABEL_STORE_LABEL=variable")
                .run(context -> assertThat(LabelStoreProvider.lastLabel).isEqualTo("variable"));
        runner.withPropertyValues("SESSION_STORE=label-store", "LABEL_STORE_LABEL=variable",
                "sessionkit.label-store.label=property")
                .run(context -> assertThat(LabelStoreProvider.lastLabel).isEqualTo("property"));
    }

    @Test
    void aThirdPartyStoresBadPropertyFailsNamingTheProperty() {
        runner.withPropertyValues("sessionkit.store=label-store", "sessionkit.label-store.label=NOT OK").run(context -> {
            assertThat(context).hasFailed();
            SessionConfigurationException e = rootCause(context.getStartupFailure(), SessionConfigurationException.class);
            assertThat(e.setting()).isEqualTo("LABEL_STORE_LABEL");
            FailureAnalysis analysis = new SessionkitFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getAction()).contains("sessionkit.label-store.label");
        });
    }

    @Test
    void anUnknownStoreNameFailsListingTheStoresFound() {
        runner.withPropertyValues("sessionkit.store=cassandra").run(context -> {
            assertThat(context).hasFailed();
            SessionConfigurationException e = rootCause(context.getStartupFailure(), SessionConfigurationException.class);
            assertThat(e.setting()).isEqualTo("SESSION_STORE");
            assertThat(e.getMessage()).contains("cassandra").contains("memory").contains("postgres");
        });
    }

    @Test
    void plainVariablesWorkAndSessionkitPropertiesWinOverThem() {
        runner.withPropertyValues("SESSION_TTL=2h", "SESSION_SECRET=" + SECRET, "SESSION_COOKIE_NAME=from_env",
                "sessionkit.cookie.name=from_property").run(context -> {
                    SessionSettings s = context.getBean(SessionSettings.class);
                    assertThat(s.ttl()).isEqualTo(Duration.ofHours(2));
                    assertThat(s.secrets()).containsExactly(SECRET);
                    assertThat(s.cookieName()).isEqualTo("from_property");
                });
    }

    @Test
    void bootServletSessionSettingsAreHonouredWhenSessionkitsAreUnset() {
        runner.withPropertyValues("server.servlet.session.timeout=45m", "server.servlet.session.cookie.name=APPSESSION",
                "server.servlet.session.cookie.same-site=strict", "server.servlet.session.cookie.path=/shop")
                .run(context -> {
                    SessionSettings s = context.getBean(SessionSettings.class);
                    assertThat(s.ttl()).isEqualTo(Duration.ofMinutes(45));
                    assertThat(s.cookieName()).isEqualTo("APPSESSION");
                    assertThat(s.sameSite()).isEqualTo(SameSite.STRICT);
                    assertThat(s.cookiePath()).isEqualTo("/shop");
                });
    }

    @Test
    void sessionkitSettingsWinOverBootServletSessionSettings() {
        runner.withPropertyValues("server.servlet.session.timeout=45m", "server.servlet.session.cookie.name=APPSESSION",
                "sessionkit.ttl=10m", "SESSION_COOKIE_NAME=sk").run(context -> {
                    SessionSettings s = context.getBean(SessionSettings.class);
                    assertThat(s.ttl()).isEqualTo(Duration.ofMinutes(10));
                    assertThat(s.cookieName()).isEqualTo("sk");
                });
    }

    @Test
    void invalidValueFailsStartUpNamingTheSettingAndTheProperty() {
        runner.withPropertyValues("sessionkit.ttl=-5m").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(SessionConfigurationException.class);
            SessionConfigurationException cause = rootCause(context.getStartupFailure(), SessionConfigurationException.class);
            assertThat(cause.setting()).isEqualTo(SessionSettings.SESSION_TTL);
            FailureAnalysis analysis = new SessionkitFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("SESSION_TTL must be positive");
            assertThat(analysis.getAction()).contains("sessionkit.ttl").contains("SESSION_TTL");
        });
    }

    @Test
    void sessionHeaderIsOffByDefaultAndSetByItsPropertyOrVariable() {
        runner.run(context -> assertThat(context.getBean(SessionSettings.class).sessionHeader()).isNull());
        runner.withPropertyValues("sessionkit.session-header=X-Session-Token").run(context ->
                assertThat(context.getBean(SessionSettings.class).sessionHeader()).isEqualTo("X-Session-Token"));
        runner.withPropertyValues("SESSION_HEADER=X-Api-Session", "sessionkit.session-header=X-Session-Token")
                .run(context -> assertThat(context.getBean(SessionSettings.class).sessionHeader())
                        .isEqualTo("X-Session-Token"));
        runner.withPropertyValues("sessionkit.session-header=Authorization").run(context -> {
            assertThat(context).hasFailed();
            SessionConfigurationException cause = rootCause(context.getStartupFailure(), SessionConfigurationException.class);
            assertThat(cause.setting()).isEqualTo(SessionSettings.SESSION_HEADER);
            FailureAnalysis analysis = new SessionkitFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getAction()).contains("sessionkit.session-header").contains("SESSION_HEADER");
        });
    }

    @Test
    void crossSettingRuleOfTheCoreAppliesToProperties() {
        runner.withPropertyValues("sessionkit.ttl=2h", "sessionkit.absolute-ttl=1h").run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootCause(context.getStartupFailure(), SessionConfigurationException.class).setting())
                    .isEqualTo(SessionSettings.SESSION_ABSOLUTE_TTL);
        });
    }

    @Test
    void unreadableValueIsABindingFailure() {
        runner.withPropertyValues("sessionkit.ttl=soon").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(IllegalArgumentException.class);
            assertThat(rootCause(context.getStartupFailure(), BindException.class).getProperty().getName())
                    .hasToString("sessionkit.ttl");
        });
    }

    @Test
    void productionWithoutDatabaseFailsWithTheAnalyzersMessage() {
        runner.withPropertyValues("APP_ENV=production", "SESSION_SECRET=" + SECRET).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new SessionkitFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("APP_ENV=production needs a database");
            assertThat(analysis.getAction()).contains("DATABASE_URL").contains("spring.datasource.url")
                    .contains("sessionkit.store=memory");
        });
    }

    @Test
    void prodProfileMeansProduction() {
        runner.withPropertyValues("spring.profiles.active=prod", "SESSION_SECRET=" + SECRET).run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootCause(context.getStartupFailure(), SessionConfigurationException.class).setting())
                    .isEqualTo("DATABASE_URL");
        });
    }

    @Test
    void productionWithoutSecretFailsNamingTheSecret() {
        runner.withPropertyValues("sessionkit.environment=production", "sessionkit.store=memory").run(context -> {
            FailureAnalysis analysis = new SessionkitFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("SESSION_SECRET");
            assertThat(analysis.getAction()).contains("sessionkit.secrets").contains("openssl rand");
            assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(SECRET);
        });
    }

    @Test
    void productionOnMemoryChosenExplicitlyStarts() {
        runner.withPropertyValues("APP_ENV=production", "SESSION_STORE=memory", "SESSION_SECRET=" + SECRET)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SessionSettings.class).isProduction()).isTrue();
                    assertThat(context.getBean(SessionStore.class).name()).isEqualTo("memory");
                });
    }

    @Test
    void explicitEnvironmentWinsOverTheProdProfile() {
        runner.withPropertyValues("spring.profiles.active=prod", "APP_ENV=development").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(SessionSettings.class).isProduction()).isFalse();
        });
    }

    @Test
    void backsOffWhenTheApplicationDefinesEachBean() {
        runner.withUserConfiguration(OwnBeans.class).run(context -> {
            assertThat(context).hasSingleBean(SessionSettings.class).hasSingleBean(SessionStore.class)
                    .hasSingleBean(SessionManager.class);
            assertThat(context.getBean(SessionSettings.class)).isSameAs(OwnBeans.SETTINGS);
            assertThat(context.getBean(SessionStore.class)).isSameAs(context.getBean("ownStore"));
            assertThat(context.getBean(SessionManager.class)).isSameAs(context.getBean("ownManager"));
        });
    }

    @Test
    void ownStoreIsUsedByTheAutoConfiguredManager() {
        runner.withBean("ownStore", SessionStore.class, () -> CaffeineSessionStore.builder().build()).run(context -> {
            assertThat(context).hasSingleBean(SessionStore.class).doesNotHaveBean("sessionkitStore");
            assertThat(context.getBean(SessionManager.class).store()).isSameAs(context.getBean("ownStore"));
        });
    }

    @Test
    void customizersAndListenersReachTheManager() {
        AtomicInteger customized = new AtomicInteger();
        List<String> events = new ArrayList<>();
        runner.withBean(SessionManagerCustomizer.class, () -> builder -> {
            customized.incrementAndGet();
            builder.sweeper(false);
        }).withBean(SessionListener.class, () -> new SessionListener() {
            @Override
            public void sessionCreated(SessionData session) {
                events.add("created");
            }
        }).run(context -> {
            SessionManager manager = context.getBean(SessionManager.class);
            SessionContext request = manager.resolve(RequestInfo.ofCookie(null));
            request.getOrCreate().set("cart", 3);
            CommitResult result = manager.commit(request);
            assertThat(result.setCookie()).isPresent();
            assertThat(customized).hasValue(1);
            assertThat(events).containsExactly("created");
        });
    }

    @Test
    void singleClockBeanIsTheClockOfStoreAndManager() {
        Clock fixed = Clock.fixed(java.time.Instant.parse("2030-01-01T00:00:00Z"), java.time.ZoneOffset.UTC);
        runner.withBean(Clock.class, () -> fixed).run(context -> {
            SessionManager manager = context.getBean(SessionManager.class);
            SessionContext request = manager.resolve(RequestInfo.ofCookie(null));
            request.getOrCreate().set("k", "v");
            manager.commit(request);
            assertThat(manager.store().findLive(fixed.instant(), 10)).singleElement()
                    .satisfies(s -> assertThat(s.createdAt()).isEqualTo(fixed.instant()));
        });
    }

    @Test
    void withoutTheMemoryModuleTheManagerOpensTheSelectedStoreItself() {
        runner.withClassLoader(new FilteredClassLoader(CaffeineSessionStore.class)).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(SessionStore.class).hasSingleBean(SessionManager.class);
        });
    }

    @Test
    void withoutJooqOrHikariTheMemoryStoreStillStarts() {
        runner.withClassLoader(new FilteredClassLoader("org.jooq", "com.zaxxer.hikari")).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(SessionStore.class).name()).isEqualTo("memory");
        });
    }

    @Test
    void nonWebApplicationGetsNoFilter() {
        runner.run(context -> assertThat(context).doesNotHaveBean(FilterRegistrationBean.class));
    }

    @Test
    void servletApplicationGetsTheFilterAheadOfSpringSecurity() {
        webRunner().run(context -> {
            FilterRegistrationBean<?> registration = context.getBean(FilterRegistrationBean.class);
            assertThat(registration.getFilter()).isInstanceOf(SessionFilter.class);
            assertThat(registration.getOrder()).isLessThan(-100); // Spring Security's chain is at -100
            assertThat(registration.getUrlPatterns()).containsExactly("/*");
            assertThat(((SessionFilter) registration.getFilter()).manager())
                    .isSameAs(context.getBean(SessionManager.class));
        });
    }

    @Test
    void filterOrderIsAProperty() {
        webRunner().withPropertyValues("sessionkit.servlet.filter-order=-200")
                .run(context -> assertThat(context.getBean(FilterRegistrationBean.class).getOrder()).isEqualTo(-200));
    }

    @Test
    void filterBacksOffForTheApplicationsOwnRegistration() {
        webRunner().withUserConfiguration(OwnFilter.class).run(context -> {
            assertThat(context).hasSingleBean(FilterRegistrationBean.class);
            assertThat(context.getBean(FilterRegistrationBean.class)).isSameAs(context.getBean("ownFilter"));
        });
    }

    @Test
    void withoutTheServletModuleThereIsNoFilter() {
        webRunner().withClassLoader(new FilteredClassLoader(SessionFilter.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(FilterRegistrationBean.class));
    }

    private WebApplicationContextRunner webRunner() {
        return new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(
                SessionkitPostgresStoreAutoConfiguration.class, SessionkitMemoryStoreAutoConfiguration.class,
                SessionkitAutoConfiguration.class));
    }

    static <T extends Throwable> T rootCause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + failure);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {

        static final SessionSettings SETTINGS = SessionSettings.builder().secrets(SECRET).build();

        @Bean
        SessionSettings ownSettings() {
            return SETTINGS;
        }

        @Bean(destroyMethod = "close")
        SessionStore ownStore() {
            return CaffeineSessionStore.builder().build();
        }

        @Bean(destroyMethod = "close")
        SessionManager ownManager(SessionStore ownStore) {
            return SessionManager.builder().settings(SETTINGS).store(ownStore).sweeper(false).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnFilter {

        @Bean
        FilterRegistrationBean<SessionFilter> ownFilter(SessionManager manager) {
            return new FilterRegistrationBean<>(SessionFilter.of(manager));
        }
    }
}
