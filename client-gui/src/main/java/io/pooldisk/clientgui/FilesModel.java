package io.pooldisk.clientgui;

import io.pooldisk.client.DiskClient;
import io.pooldisk.client.DiskClientException;
import io.pooldisk.client.RemoteEntry;
import io.pooldisk.protocol.ReplyCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The remote folder on show: its path, its entries, and what can be done to them. UI thread only. */
public final class FilesModel {

    /** Folders first, then by name, ignoring case. */
    static final Comparator<RemoteEntry> ORDER = Comparator.comparing((RemoteEntry e) -> !e.directory())
            .thenComparing(RemoteEntry::name, String.CASE_INSENSITIVE_ORDER);

    private final ClientSession session;
    private final Notifier notifier;
    private final StringProperty path = new SimpleStringProperty(this, "path", "/");
    private final ObservableList<RemoteEntry> entries = FXCollections.observableArrayList();
    private final BooleanProperty loading = new SimpleBooleanProperty(this, "loading");
    private boolean refreshQueued;

    public FilesModel(ClientSession session, Notifier notifier) {
        this.session = session;
        this.notifier = notifier;
    }

    /** Shows the folder at {@code dir} (absolute); on failure the folder shown stays as it was. */
    public void load(String dir) {
        loading.set(true);
        session.run(
                c -> c.list(dir),
                true,
                list -> {
                    List<RemoteEntry> sorted = new ArrayList<>(list);
                    sorted.sort(ORDER);
                    path.set(dir);
                    entries.setAll(sorted);
                    loading.set(false); // last: whoever sees the loading end sees the new listing
                },
                failure -> {
                    loading.set(false);
                    notifier.error("Could not open " + dir + ": " + Errors.explain(failure));
                });
    }

    public void open(RemoteEntry folder) {
        if (folder.directory()) {
            load(Formats.child(path.get(), folder.name()));
        }
    }

    public void up() {
        load(Formats.parent(path.get()));
    }

    public void refresh() {
        load(path.get());
    }

    /** Refreshes once soon if {@code dir} is the folder on show (many uploads finishing make one refresh). */
    public void changed(String dir) {
        if (!dir.equals(path.get()) || refreshQueued) {
            return;
        }
        refreshQueued = true;
        loading.set(true);
        session.run(
                c -> c.list(dir),
                true,
                list -> {
                    refreshQueued = false;
                    if (dir.equals(path.get())) {
                        List<RemoteEntry> sorted = new ArrayList<>(list);
                        sorted.sort(ORDER);
                        entries.setAll(sorted);
                    }
                    loading.set(false); // last, as in load
                },
                failure -> {
                    refreshQueued = false;
                    loading.set(false);
                });
    }

    /** Forgets the listing (after a disconnect); the path stays, for the next connection. */
    public void clear() {
        entries.clear();
    }

    public void mkdir(String name) {
        String target = Formats.child(path.get(), name.strip());
        change(c -> c.mkdir(target), "Created folder " + name.strip(), "Could not create folder " + name.strip());
    }

    public void rename(RemoteEntry entry, String newName) {
        String from = Formats.child(path.get(), entry.name());
        String to = Formats.child(path.get(), newName.strip());
        change(
                c -> c.move(from, to),
                "Renamed " + entry.name() + " to " + newName.strip(),
                "Could not rename " + entry.name());
    }

    /** Removes files and folders (folders with all they hold): ask the person first. */
    public void delete(List<RemoteEntry> doomed) {
        String dir = path.get();
        List<RemoteEntry> copy = List.copyOf(doomed);
        change(
                c -> {
                    for (RemoteEntry e : copy) {
                        try {
                            c.remove(Formats.child(dir, e.name()), e.directory());
                        } catch (DiskClientException gone) {
                            if (!gone.is(ReplyCode.NOT_FOUND)) {
                                throw gone;
                            }
                        }
                    }
                    return null;
                },
                copy.size() == 1 ? "Deleted " + copy.get(0).name() : "Deleted " + copy.size() + " items",
                "Could not delete");
    }

    /** Runs a command that changes the folder, then shows the folder as it now is, whether it worked or not. */
    private <T> void change(ClientSession.Command<T> command, String success, String failure) {
        String dir = path.get();
        session.run(
                command,
                false,
                result -> {
                    notifier.info(success);
                    load(dir);
                },
                e -> {
                    notifier.error(failure + ": " + Errors.explain(e));
                    load(dir);
                });
    }

    /**
     * Walks the remote folder {@code dir} on the session's thread and hands every file in it (paths relative to
     * {@code dir}'s parent) to {@code found}.
     */
    public void walk(String dir, Consumer<List<RemoteFile>> found, Consumer<IOException> failed) {
        session.run(
                c -> {
                    List<RemoteFile> files = new ArrayList<>();
                    walk(c, dir, Formats.name(dir), files);
                    return files;
                },
                true,
                found,
                failed);
    }

    private record Pending(Path local, String remote) {}

    /** A remote file found by {@link #walk}: its absolute path, its path relative to the walk's start, its size. */
    public record RemoteFile(String remote, String relative, long size, boolean directory) {}

    private static void walk(DiskClient c, String dir, String relative, List<RemoteFile> into) throws IOException {
        into.add(new RemoteFile(dir, relative, 0, true));
        for (RemoteEntry e : c.list(dir)) {
            String remote = Formats.child(dir, e.name());
            String rel = relative + "/" + e.name();
            if (e.directory()) {
                walk(c, remote, rel, into);
            } else {
                into.add(new RemoteFile(remote, rel, e.size(), false));
            }
        }
    }

    // ---------------------------------------------------------------- transfers from and to this folder

    /**
     * Uploads local files and folders into the folder on show. A folder goes with everything in it: its folders are
     * made on the server first, then its files join the queue. A name already in the folder gets " (1)" added, so
     * nothing on the server is overwritten.
     */
    public void upload(List<Path> locals, TransferQueue queue) {
        String dir = path.get();
        java.util.Set<String> taken = new java.util.HashSet<>();
        entries.forEach(e -> taken.add(e.name()));
        for (Path local : locals) {
            String name = Formats.freeName(local.getFileName().toString(), taken::contains);
            taken.add(name);
            String remote = Formats.child(dir, name);
            if (!Files.isDirectory(local)) {
                queue.upload(local, remote);
                continue;
            }
            session.run(
                    c -> {
                        List<Pending> files = new ArrayList<>();
                        try (Stream<Path> tree = Files.walk(local)) {
                            for (Path p : (Iterable<Path>) tree.sorted()::iterator) {
                                String target = remote;
                                for (Path part : local.relativize(p)) {
                                    if (!part.toString().isEmpty()) {
                                        target = Formats.child(target, part.toString());
                                    }
                                }
                                if (Files.isDirectory(p)) {
                                    try {
                                        c.mkdir(target);
                                    } catch (DiskClientException exists) {
                                        if (!exists.is(ReplyCode.CONFLICT)) {
                                            throw exists;
                                        }
                                    }
                                } else if (Files.isRegularFile(p)) {
                                    files.add(new Pending(p, target));
                                }
                            }
                        }
                        return files;
                    },
                    false,
                    files -> {
                        for (Pending f : files) {
                            queue.upload(f.local(), f.remote());
                        }
                        changed(dir);
                        if (files.isEmpty()) {
                            notifier.info("Created folder " + name + " (it holds no files)");
                        }
                    },
                    e -> notifier.error("Could not upload folder " + local.getFileName() + ": " + Errors.explain(e)));
        }
    }

    /**
     * Downloads entries of the folder on show into {@code folder}; a folder comes with everything in it. A name that
     * exists there already gets " (1)" added, unless only an unfinished download of it is there: that one resumes.
     */
    public void download(List<RemoteEntry> chosen, Path folder, TransferQueue queue) {
        String dir = path.get();
        for (RemoteEntry e : chosen) {
            String name = Formats.freeName(e.name(), n -> Files.exists(folder.resolve(n)));
            Path local = folder.resolve(name);
            String remote = Formats.child(dir, e.name());
            if (!e.directory()) {
                queue.download(remote, local, e.size());
                continue;
            }
            walk(
                    remote,
                    files -> {
                        try {
                            for (RemoteFile f : files) {
                                String rest = f.relative().substring(e.name().length());
                                Path target = rest.isEmpty() ? local : local.resolve(rest.substring(1));
                                if (f.directory()) {
                                    Files.createDirectories(target);
                                } else {
                                    queue.download(f.remote(), target, f.size());
                                }
                            }
                        } catch (IOException io) {
                            notifier.error("Could not create a local folder: " + Errors.explain(io));
                        }
                    },
                    failure ->
                            notifier.error("Could not download folder " + e.name() + ": " + Errors.explain(failure)));
        }
    }

    public ReadOnlyStringProperty pathProperty() {
        return path;
    }

    public String path() {
        return path.get();
    }

    public ObservableList<RemoteEntry> entries() {
        return entries;
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return loading;
    }

    public boolean contains(String name) {
        return entries.stream().anyMatch(e -> e.name().equals(name));
    }
}
