package dev.sessionkit.spring;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when the environment selects the Redis store (see {@link StoreSelection}). */
final class OnRedisStoreCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        StoreSelection selection = StoreSelection.of(context.getEnvironment());
        ConditionMessage.Builder message = ConditionMessage.forCondition("sessionkit store");
        return StoreSelection.REDIS.equals(selection.name()) ? ConditionOutcome.match(message.because(selection.reason()))
                : ConditionOutcome.noMatch(message.because(selection.reason()));
    }
}
