package dev.sessionkit.spring;

import dev.sessionkit.SessionConfigurationException;
import dev.sessionkit.SessionStore;
import dev.sessionkit.StoreContext;
import dev.sessionkit.StoreProvider;
import dev.sessionkit.StoreSetting;
import dev.sessionkit.memory.CaffeineSessionStore;
import dev.sessionkit.memory.MemoryStoreSettings;
import java.util.List;

/**
 * A third-party store as the starter sees one: registered only in this module's test resources,
 * named {@code label-store}, with one setting {@code LABEL_STORE_LABEL} / {@code label}. It keeps
 * the label it was opened with, so tests can see what reached it.
 */
public final class LabelStoreProvider implements StoreProvider {

    static volatile String lastLabel;

    @Override
    public String name() {
        return "label-store";
    }

    @Override
    public List<StoreSetting> settings() {
        return List.of(StoreSetting.of("LABEL_STORE_LABEL", "label", "a label the store keeps"));
    }

    @Override
    public SessionStore open(StoreContext context) {
        String label = context.environment().get("LABEL_STORE_LABEL");
        if (label != null && !label.matches("[a-z]+")) {
            throw new SessionConfigurationException("LABEL_STORE_LABEL", "LABEL_STORE_LABEL must be lower-case letters");
        }
        lastLabel = label;
        return CaffeineSessionStore.create(MemoryStoreSettings.defaults(), context.clock());
    }
}
