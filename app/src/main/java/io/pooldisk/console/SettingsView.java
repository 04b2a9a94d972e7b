package io.pooldisk.console;

import io.pooldisk.pool.PoolConfig;
import java.io.File;
import javafx.beans.binding.BooleanBinding;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.DirectoryChooser;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/** The Settings tab: host, port, workers and data directory, remembered between runs; used at the next start. */
final class SettingsView extends GridPane {

    SettingsView(SettingsModel settings, BooleanBinding running) {
        setId("settings");
        setHgap(12);
        setVgap(10);
        setPadding(new Insets(16));

        TextField host = new TextField();
        host.setId("settingsHost");
        host.textProperty().bindBidirectional(settings.hostProperty());
        Spinner<Integer> port = new Spinner<>(0, 65_535, settings.portProperty().get());
        port.setId("settingsPort");
        port.setEditable(true);
        port.getValueFactory().valueProperty().bindBidirectional(settings.portProperty());
        Spinner<Integer> workers = new Spinner<>(
                1, PoolConfig.MAX_WORKERS, settings.workersProperty().get());
        workers.setId("settingsWorkers");
        workers.setEditable(true);
        workers.getValueFactory().valueProperty().bindBidirectional(settings.workersProperty());
        TextField data = new TextField();
        data.setId("settingsData");
        data.textProperty().bindBidirectional(settings.dataDirProperty());
        HBox.setHgrow(data, Priority.ALWAYS);
        Button browse = new Button(null, new FontIcon(Feather.FOLDER));
        browse.setOnAction(event -> chooseDirectory(settings));
        host.disableProperty().bind(running);
        port.disableProperty().bind(running);
        data.disableProperty().bind(running);
        browse.disableProperty().bind(running);

        Label title = new Label("Server");
        title.getStyleClass().add("title-3");
        add(title, 0, 0, 2, 1);
        addRow(1, new Label("Host"), host);
        addRow(2, new Label("Port"), port);
        addRow(3, new Label("Workers"), workers);
        addRow(4, new Label("Data directory"), new HBox(6, data, browse));
        Label hint = new Label("Host, port and data directory apply at the next start (port 0 picks a free one). "
                + "The worker count resizes a running pool at once.");
        hint.getStyleClass().add("text-muted");
        hint.setWrapText(true);
        add(hint, 0, 5, 2, 1);
        GridPane.setHgrow(host, Priority.ALWAYS);
        setMaxWidth(640);
    }

    private void chooseDirectory(SettingsModel settings) {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Data directory");
        File current = new File(settings.dataDirProperty().get());
        if (current.isDirectory()) {
            chooser.setInitialDirectory(current);
        }
        File chosen = chooser.showDialog(getScene().getWindow());
        if (chosen != null) {
            settings.dataDirProperty().set(chosen.getPath());
        }
    }
}
