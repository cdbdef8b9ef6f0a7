package dev.sessionkit.spring;

import dev.sessionkit.SessionListener;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStore;
import dev.sessionkit.SessionStores;
import dev.sessionkit.servlet.SessionFilter;
import dev.sessionkit.servlet.StoreUnavailableHandler;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.time.Clock;
import java.util.EnumSet;
import java.util.EventListener;
import java.util.LinkedHashSet;
import java.util.Set;
import com.fasterxml.jackson.databind.Module;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.web.servlet.ConditionalOnMissingFilterBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * sessionkit's settings, its {@link SessionManager} and, in a servlet web application, the
 * {@link SessionFilter} that serves {@code HttpSession} from it, registered ahead of Spring
 * Security's filter chain. The store comes from {@link SessionkitPostgresStoreAutoConfiguration} or
 * {@link SessionkitMemoryStoreAutoConfiguration}, which run first.
 *
 * <p>Attribute types: the application's packages (those of its {@code @SpringBootApplication}) are
 * allowed attribute types, its Jackson {@code Module} beans are registered with the attribute
 * codec, and Spring MVC's {@code FlashMap} keeps its type; {@code sessionkit.attribute-types} adds
 * more.
 *
 * <p>Every bean backs off when the application defines its own. Customise the manager with
 * {@link SessionManagerCustomizer} beans; {@link SessionListener} beans are registered with it.
 */
@AutoConfiguration
@EnableConfigurationProperties(SessionkitProperties.class)
public final class SessionkitAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SessionSettings sessionkitSettings(SessionkitProperties properties, Environment environment) {
        return SettingsMapping.build(properties, environment);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    SessionManager sessionkitManager(SessionSettings settings, ObjectProvider<SessionStore> stores,
            ObjectProvider<Clock> clocks, ObjectProvider<SessionListener> listeners,
            ObjectProvider<SessionManagerCustomizer> customizers, ObjectProvider<Module> jacksonModules,
            BeanFactory beanFactory, SessionkitProperties properties, Environment environment) {
        Clock clock = Clocks.of(clocks);
        SessionManager.Builder builder = SessionManager.builder().settings(settings).clock(clock);
        // attributes of the application's own classes (@SessionAttributes beans, @SessionScope beans,
        // its UserDetails) keep their types with no configuration, and its Jackson modules apply
        if (AutoConfigurationPackages.has(beanFactory)) {
            AutoConfigurationPackages.get(beanFactory).stream().filter(p -> !p.isEmpty())
                    .forEach(p -> builder.allowAttributeTypes(p + "."));
        }
        jacksonModules.orderedStream().forEach(builder::attributeModule);
        SessionStore store = stores.getIfUnique();
        if (store != null) {
            builder.store(store);
        } else {
            // no store module matched: the core names the module to add
            builder.store(SessionStores.open(settings, SettingsMapping.storeEnvironment(properties, environment), clock),
                    true);
        }
        listeners.orderedStream().forEach(builder::listener);
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder.build();
    }

    /** Spring MVC's flash attributes (a {@code FlashMap} list) keep their type across the redirect. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.web.servlet.FlashMap")
    static class FlashMapConfiguration {

        @Bean
        SessionManagerCustomizer sessionkitFlashMapTypes() {
            return builder -> builder.attributeModule(new FlashMapJacksonModule())
                    .allowAttributeTypes(FlashMapJacksonModule.TYPES.toArray(String[]::new));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ SessionFilter.class, FilterRegistrationBean.class })
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class ServletFilterConfiguration {

        /** Spring Security's session events can be published (its web module is present). */
        private static final boolean SECURITY_EVENTS = org.springframework.util.ClassUtils.isPresent(
                "org.springframework.security.web.session.HttpSessionDestroyedEvent",
                ServletFilterConfiguration.class.getClassLoader());

        @Bean
        @ConditionalOnMissingFilterBean(SessionFilter.class)
        FilterRegistrationBean<SessionFilter> sessionkitFilter(SessionManager manager, SessionkitProperties properties,
                ObjectProvider<StoreUnavailableHandler> unavailableHandler,
                ObjectProvider<dev.sessionkit.servlet.LoginRefusedHandler> loginRefusedHandler,
                ObjectProvider<HttpSessionListener> sessionListeners,
                ObjectProvider<HttpSessionAttributeListener> attributeListeners,
                ObjectProvider<HttpSessionIdListener> idListeners,
                org.springframework.context.ApplicationEventPublisher events) {
            SessionFilter.Builder filter = SessionFilter.builder(manager);
            unavailableHandler.ifUnique(filter::onStoreUnavailable);
            loginRefusedHandler.ifUnique(filter::onLoginRefused);
            // the container never sees these sessions, so its listeners are the filter's to call
            Set<EventListener> servletListeners = new LinkedHashSet<>();
            sessionListeners.orderedStream().forEach(servletListeners::add);
            attributeListeners.orderedStream().forEach(servletListeners::add);
            idListeners.orderedStream().forEach(servletListeners::add);
            if (SECURITY_EVENTS && !SessionEventPublishing.declared(servletListeners)) {
                servletListeners.add(new SessionEventPublishing(events));
            }
            servletListeners.forEach(filter::listener);

            FilterRegistrationBean<SessionFilter> registration = new FilterRegistrationBean<>(filter.build());
            registration.setName(SessionFilter.FILTER_NAME);
            registration.setOrder(properties.getServlet().getFilterOrder());
            registration.setDispatcherTypes(EnumSet.allOf(DispatcherType.class));
            registration.setAsyncSupported(true);
            registration.addUrlPatterns("/*");
            return registration;
        }
    }
}
