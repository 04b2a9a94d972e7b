package io.pooldisk.console;

import io.pooldisk.pool.PoolEvent;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import javafx.scene.control.ListCell;

/** One log line: local time to the millisecond, level, kind and message. */
final class EventCell extends ListCell<PoolEvent> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    @Override
    protected void updateItem(PoolEvent event, boolean empty) {
        super.updateItem(event, empty);
        setText(empty || event == null ? null : TIME.format(event.time()) + "  " + event.level() + "  ["
                + event.kind().name().toLowerCase(Locale.ROOT) + "] " + event.message());
    }
}
