package dev.sessionkit.codec;

/** No way for Jackson to construct it: refused at set rather than lost at the next request. */
public class NoCreator {

    private final String value;

    public NoCreator(String value) {
        this.value = value;
    }

    public String getValue() {
        return value;
    }
}
