package dev.sessionkit.codec;

/** A bean without equals, as many library classes are (Spring's OAuth2AuthorizedClient). */
public class Note {

    private String text;

    public Note() {
    }

    public Note(String text) {
        this.text = text;
    }

    public String getText() {
        return text;
    }
}
