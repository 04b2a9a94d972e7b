package io.pooldisk.clientgui;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;

/**
 * The one message the client shows in its banner: what went wrong (an error stays until dismissed or replaced) or
 * what just happened (information fades by itself). Touch it on the UI thread only.
 */
public final class Notifier {

    public enum Level {
        INFO,
        ERROR
    }

    /** One message; {@code seq} tells two equal texts apart so the banner shows the second one too. */
    public record Notice(Level level, String text, long seq) {}

    private final ObjectProperty<Notice> current = new SimpleObjectProperty<>(this, "current");
    private long seq;

    public void info(String text) {
        current.set(new Notice(Level.INFO, text, ++seq));
    }

    public void error(String text) {
        current.set(new Notice(Level.ERROR, text, ++seq));
    }

    public void dismiss() {
        current.set(null);
    }

    public ReadOnlyObjectProperty<Notice> currentProperty() {
        return current;
    }

    public Notice current() {
        return current.get();
    }
}
