package io.pooldisk.clientgui;

import io.pooldisk.client.RemoteEntry;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Pos;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextInputDialog;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.stage.Window;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The remote folder: a breadcrumb path, a toolbar, and a table of its entries. Double-click opens a folder (or
 * downloads a file); files and folders dropped from the desktop are uploaded here.
 */
final class FilesView extends BorderPane {

    private final FilesModel model;
    private final TransferQueue queue;
    private final Supplier<LocalChooser> chooser;
    private final TableView<RemoteEntry> table = new TableView<>();
    private final HBox crumbs = new HBox(2);
    private final Label placeholder = new Label();
    private Path lastDownloadFolder;

    FilesView(FilesModel model, TransferQueue queue, ClientSession session, Supplier<LocalChooser> chooser) {
        this.model = model;
        this.queue = queue;
        this.chooser = chooser;
        getStyleClass().add("files-view");

        BooleanBinding offline = Bindings.createBooleanBinding(
                () -> !session.loggedIn(), session.stateProperty(), session.userProperty());
        BooleanBinding none = Bindings.isEmpty(table.getSelectionModel().getSelectedItems());
        BooleanBinding notOne =
                Bindings.size(table.getSelectionModel().getSelectedItems()).isNotEqualTo(1);

        Button up = button("filesUp", Feather.ARROW_UP, null, "Up to the parent folder (Backspace)", model::up);
        up.disableProperty().bind(offline.or(model.pathProperty().isEqualTo("/")));
        Button mkdir = button("newFolder", Feather.FOLDER_PLUS, "New folder", "Create a folder here", this::newFolder);
        Button upload = button(
                "upload", Feather.UPLOAD, "Upload", "Upload files (or drop them on the table)", this::uploadFiles);
        Button uploadDir =
                button("uploadFolder", Feather.FOLDER, null, "Upload a folder with all it holds", this::uploadFolder);
        Button download =
                button("download", Feather.DOWNLOAD, "Download", "Download the selection to a folder", this::download);
        Button rename = button("rename", Feather.EDIT_2, null, "Rename (F2)", this::rename);
        Button delete = button("delete", Feather.TRASH_2, null, "Delete (Del)", this::delete);
        Button refresh = button("refresh", Feather.REFRESH_CW, null, "Refresh (F5)", model::refresh);
        for (Button b : List.of(mkdir, upload, uploadDir, refresh)) {
            b.disableProperty().bind(offline);
        }
        download.disableProperty().bind(offline.or(none));
        delete.disableProperty().bind(offline.or(none));
        rename.disableProperty().bind(offline.or(notOne));

        crumbs.setAlignment(Pos.CENTER_LEFT);
        crumbs.setId("breadcrumb");
        model.pathProperty().addListener((p, was, now) -> showCrumbs(now));
        showCrumbs(model.path());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        Label title = new Label("Files");
        title.getStyleClass().add("section-title");
        HBox bar = new HBox(4, title, up, crumbs, grow, mkdir, upload, uploadDir, download, rename, delete, refresh);
        bar.getStyleClass().add("toolbar-row");

        buildTable();
        placeholder
                .textProperty()
                .bind(Bindings.createStringBinding(
                        () -> switch (session.state()) {
                            case DISCONNECTED -> "Connect to a server to see your files.";
                            case CONNECTING -> "Connecting…";
                            case RECONNECTING -> "Reconnecting…";
                            case CONNECTED ->
                                session.userProperty().get().isEmpty()
                                        ? "Connected without a user name: echo works; log in to see your files."
                                        : "This folder is empty. Drop files or folders here to upload them.";
                        },
                        session.stateProperty(),
                        session.userProperty()));
        placeholder.getStyleClass().add("hint");
        table.setPlaceholder(placeholder);

        setTop(bar);
        setCenter(table);
    }

    private Button button(String id, Ikon icon, String text, String tip, Runnable action) {
        Button b = new Button(text, new FontIcon(icon));
        b.setId(id);
        b.setTooltip(new Tooltip(tip));
        b.setOnAction(e -> action.run());
        return b;
    }

    private void buildTable() {
        table.setId("files");
        table.getStyleClass().add("files-table");
        table.setItems(model.entries());
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);

        TableColumn<RemoteEntry, RemoteEntry> name = new TableColumn<>("Name");
        name.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
        name.setComparator(FilesModel.ORDER);
        name.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(RemoteEntry e, boolean empty) {
                super.updateItem(e, empty);
                if (empty || e == null) {
                    setText(null);
                    setGraphic(null);
                } else {
                    setText(e.name());
                    FontIcon icon = new FontIcon(e.directory() ? Feather.FOLDER : Feather.FILE);
                    icon.getStyleClass().add(e.directory() ? "folder-icon" : "file-icon");
                    setGraphic(icon);
                }
            }
        });
        name.setPrefWidth(360);

        TableColumn<RemoteEntry, Long> size = new TableColumn<>("Size");
        size.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(
                c.getValue().directory() ? -1L : c.getValue().size()));
        size.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(Long bytes, boolean empty) {
                super.updateItem(bytes, empty);
                setText(empty || bytes == null || bytes < 0 ? null : Formats.size(bytes));
                setAlignment(Pos.CENTER_RIGHT);
            }
        });
        size.setPrefWidth(90);

        TableColumn<RemoteEntry, String> modified = new TableColumn<>("Modified");
        modified.setCellValueFactory(
                c -> new ReadOnlyObjectWrapper<>(Formats.modified(c.getValue().modified())));
        modified.setPrefWidth(130);

        TableColumn<RemoteEntry, String> kind = new TableColumn<>("Kind");
        kind.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(kind(c.getValue())));
        kind.setPrefWidth(90);

        table.getColumns().setAll(List.of(name, size, modified, kind));
        table.setRowFactory(t -> {
            TableRow<RemoteEntry> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && !row.isEmpty()) {
                    activate(row.getItem());
                }
            });
            return row;
        });
        table.setOnKeyPressed(e -> {
            RemoteEntry focused = table.getSelectionModel().getSelectedItem();
            if (e.getCode() == KeyCode.ENTER && focused != null) {
                activate(focused);
            } else if (e.getCode() == KeyCode.DELETE && focused != null) {
                delete();
            } else if (e.getCode() == KeyCode.F2 && focused != null) {
                rename();
            } else if (e.getCode() == KeyCode.BACK_SPACE && !model.path().equals("/")) {
                model.up();
            } else if (e.getCode() == KeyCode.F5) {
                model.refresh();
            } else {
                return;
            }
            e.consume();
        });

        table.setOnDragOver(e -> {
            if (e.getGestureSource() == null && e.getDragboard().hasFiles() && !isDisabledForUpload()) {
                e.acceptTransferModes(TransferMode.COPY);
                if (!table.getStyleClass().contains("drop-target")) {
                    table.getStyleClass().add("drop-target");
                }
            }
            e.consume();
        });
        table.setOnDragExited(e -> table.getStyleClass().remove("drop-target"));
        table.setOnDragDropped(e -> {
            boolean ok = e.getDragboard().hasFiles();
            if (ok) {
                upload(e.getDragboard().getFiles().stream().map(File::toPath).toList());
            }
            e.setDropCompleted(ok);
            e.consume();
        });
    }

    private boolean isDisabledForUpload() {
        return lookup("#upload") != null && lookup("#upload").isDisabled();
    }

    static String kind(RemoteEntry e) {
        if (e.directory()) {
            return "Folder";
        }
        int dot = e.name().lastIndexOf('.');
        return dot > 0 && dot < e.name().length() - 1 && e.name().length() - dot <= 6
                ? e.name().substring(dot + 1).toUpperCase(Locale.ROOT) + " file"
                : "File";
    }

    private void showCrumbs(String path) {
        crumbs.getChildren().clear();
        Button root = crumb("My files", "/", path.equals("/"));
        root.setId("crumbRoot");
        crumbs.getChildren().add(root);
        String at = "";
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            at = at + "/" + part;
            Label sep = new Label("›");
            sep.getStyleClass().add("crumb-separator");
            crumbs.getChildren().addAll(sep, crumb(part, at, at.equals(path)));
        }
    }

    private Button crumb(String text, String target, boolean current) {
        Button b = new Button(text);
        b.getStyleClass().add("crumb");
        b.setMinWidth(Region.USE_PREF_SIZE);
        if (current) {
            b.getStyleClass().add("current");
        } else {
            b.setOnAction(e -> model.load(target));
        }
        return b;
    }

    // ---------------------------------------------------------------- actions

    private void activate(RemoteEntry e) {
        if (e.directory()) {
            model.open(e);
        } else {
            table.getSelectionModel().clearAndSelect(table.getItems().indexOf(e));
            download();
        }
    }

    /** Uploads local files and folders into the folder on show. */
    void upload(List<Path> locals) {
        if (!locals.isEmpty()) {
            model.upload(locals, queue);
        }
    }

    private void uploadFiles() {
        upload(chooser.get().filesToUpload(window()));
    }

    private void uploadFolder() {
        Path dir = chooser.get().folderToUpload(window());
        if (dir != null) {
            upload(List.of(dir));
        }
    }

    private void download() {
        List<RemoteEntry> chosen = List.copyOf(table.getSelectionModel().getSelectedItems());
        if (chosen.isEmpty()) {
            return;
        }
        Path folder = chooser.get().downloadFolder(window(), lastDownloadFolder);
        if (folder == null) {
            return;
        }
        lastDownloadFolder = folder;
        model.download(chosen, folder, queue);
    }

    private void newFolder() {
        TextInputDialog ask = new TextInputDialog("New folder");
        ask.initOwner(window());
        ask.setTitle("New folder");
        ask.setHeaderText("Create a folder in " + model.path());
        ask.setContentText("Name:");
        ask.getDialogPane().setId("newFolderDialog");
        ask.showAndWait().map(String::strip).filter(n -> !n.isEmpty()).ifPresent(model::mkdir);
    }

    private void rename() {
        RemoteEntry e = table.getSelectionModel().getSelectedItem();
        if (e == null) {
            return;
        }
        TextInputDialog ask = new TextInputDialog(e.name());
        ask.initOwner(window());
        ask.setTitle("Rename");
        ask.setHeaderText("Rename " + e.name());
        ask.setContentText("New name:");
        ask.getDialogPane().setId("renameDialog");
        ask.showAndWait()
                .map(String::strip)
                .filter(n -> !n.isEmpty() && !n.equals(e.name()))
                .ifPresent(n -> model.rename(e, n));
    }

    static final ButtonType DELETE = new ButtonType("Delete", ButtonBar.ButtonData.OK_DONE);

    private void delete() {
        List<RemoteEntry> doomed = List.copyOf(table.getSelectionModel().getSelectedItems());
        if (doomed.isEmpty()) {
            return;
        }
        long folders = doomed.stream().filter(RemoteEntry::directory).count();
        Alert confirm = new Alert(Alert.AlertType.CONFIRMATION, null, DELETE, ButtonType.CANCEL);
        confirm.initOwner(window());
        confirm.setTitle("Delete");
        confirm.setHeaderText(
                doomed.size() == 1
                        ? "Delete \"" + doomed.get(0).name() + "\"?"
                        : "Delete these " + doomed.size() + " items?");
        confirm.setContentText(
                (folders > 0 ? "Folders are deleted with everything in them. " : "") + "This cannot be undone.");
        confirm.getDialogPane().setId("deleteDialog");
        ((Button) confirm.getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(true);
        ((Button) confirm.getDialogPane().lookupButton(DELETE)).setDefaultButton(false);
        Optional<ButtonType> answer = confirm.showAndWait();
        if (answer.isPresent() && answer.get() == DELETE) {
            model.delete(doomed);
        }
    }

    private Window window() {
        return getScene() == null ? null : getScene().getWindow();
    }

    TableView<RemoteEntry> table() {
        return table;
    }
}
