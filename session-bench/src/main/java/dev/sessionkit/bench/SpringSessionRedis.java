package dev.sessionkit.bench;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.data.redis.RedisSessionRepository;

/**
 * Spring Session Data Redis as Spring Boot sets it up by default: {@link RedisSessionRepository}
 * on a {@link RedisTemplate} with string keys and JDK-serialized values, on Lettuce. Each request
 * does what {@code SessionRepositoryFilter} does: {@code findById}, {@code setLastAccessedTime(now)},
 * the work, {@code save}. It keeps no principal index, so it has no list shape.
 */
final class SpringSessionRedis implements AutoCloseable {

    private static final Clock CLOCK = Clock.systemUTC();

    private final LettuceConnectionFactory factory;
    private final SessionRepository<Session> repository;

    @SuppressWarnings({"unchecked", "rawtypes"})
    SpringSessionRedis(String url, String namespace) {
        URI uri = URI.create(url);
        factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
        factory.afterPropertiesSet();
        factory.start();
        RedisTemplate<String, Object> template = new RedisTemplate<>();
        template.setConnectionFactory(factory);
        template.setKeySerializer(RedisSerializer.string());
        template.setHashKeySerializer(RedisSerializer.string());
        template.afterPropertiesSet();
        RedisSessionRepository redis = new RedisSessionRepository(template);
        redis.setDefaultMaxInactiveInterval(Duration.ofHours(24));
        redis.setRedisKeyNamespace(namespace);
        repository = (SessionRepository) redis;
    }

    String create(String principal) {
        Session session = repository.createSession();
        session.setAttribute(Shapes.THEME, Shapes.THEME_VALUE);
        session.setAttribute(Shapes.COUNTER, 0);
        session.setAttribute(Shapes.CART, new java.util.ArrayList<>(Shapes.CART_VALUE));
        if (principal != null) {
            session.setAttribute(Shapes.PRINCIPAL_ATTRIBUTE, principal);
        }
        repository.save(session);
        return session.getId();
    }

    Object readOnly(String id) {
        Session session = found(id);
        session.setLastAccessedTime(CLOCK.instant());
        Object theme = session.getAttribute(Shapes.THEME);
        if (theme == null) {
            throw new IllegalStateException("attribute missing");
        }
        repository.save(session);
        return theme;
    }

    Object modify(String id) {
        Session session = found(id);
        session.setLastAccessedTime(CLOCK.instant());
        Integer counter = session.getAttribute(Shapes.COUNTER);
        session.setAttribute(Shapes.COUNTER, counter + 1);
        repository.save(session);
        return counter;
    }

    Object login() {
        String id = create(null);
        Session session = found(id);
        session.setLastAccessedTime(CLOCK.instant());
        session.changeSessionId();
        session.setAttribute(Shapes.PRINCIPAL_ATTRIBUTE, "login-" + java.util.concurrent.ThreadLocalRandom.current()
                .nextInt(1_000_000));
        repository.save(session);
        return session.getId();
    }

    private Session found(String id) {
        Session session = repository.findById(id);
        if (session == null) {
            throw new IllegalStateException("seeded session missing");
        }
        return session;
    }

    @Override
    public void close() {
        factory.destroy();
    }
}
