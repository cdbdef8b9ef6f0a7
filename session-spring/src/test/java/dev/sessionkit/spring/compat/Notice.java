package dev.sessionkit.spring.compat;

/** A message for the next page, passed as a flash attribute. */
public record Notice(String text, Level level) {

    public enum Level { INFO, WARNING }

    /** What the page shows; a method, so a page given a plain map instead fails loudly. */
    public String headline() {
        return level + ": " + text;
    }
}
