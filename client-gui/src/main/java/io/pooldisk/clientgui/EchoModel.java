package io.pooldisk.clientgui;

import io.pooldisk.client.EchoReply;
import java.time.LocalTime;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The echo area: each line sent and what came back, with the worker's PID and the round-trip time. */
public final class EchoModel {

    /** One exchange: the reply, or {@code error} when there was none. */
    public record Line(LocalTime at, String sent, EchoReply reply, String error) {

        public boolean ok() {
            return reply != null;
        }
    }

    static final int KEEP = 500;

    private final ClientSession session;
    private final ObservableList<Line> lines = FXCollections.observableArrayList();

    public EchoModel(ClientSession session) {
        this.session = session;
    }

    /**
     * Sends {@code ECHO text}; the outcome is appended to {@link #lines()} and handed to {@code then} (true: a reply).
     */
    public void send(String text, java.util.function.Consumer<Boolean> then) {
        session.run(
                c -> c.echo(text),
                true,
                reply -> {
                    add(new Line(LocalTime.now(), text, reply, null));
                    then.accept(true);
                },
                failure -> {
                    add(new Line(LocalTime.now(), text, null, Errors.explain(failure)));
                    then.accept(false);
                });
    }

    private void add(Line line) {
        lines.add(line);
        if (lines.size() > KEEP) {
            lines.remove(0, lines.size() - KEEP);
        }
    }

    public ObservableList<Line> lines() {
        return lines;
    }

    public void clear() {
        lines.clear();
    }
}
