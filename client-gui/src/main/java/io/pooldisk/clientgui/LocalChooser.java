package io.pooldisk.clientgui;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/**
 * How the client asks for local files and folders: the desktop's choosers, or (in a test, or a console that knows
 * better) something else.
 */
public interface LocalChooser {

    /** Files to upload; empty when the person changed their mind. */
    List<Path> filesToUpload(Window owner);

    /** A folder to upload with everything in it, or null. */
    Path folderToUpload(Window owner);

    /** The folder downloads go to, or null. {@code initial} is the last one used, or null. */
    Path downloadFolder(Window owner, Path initial);

    /** The platform's file and folder dialogs. */
    LocalChooser DESKTOP = new LocalChooser() {
        @Override
        public List<Path> filesToUpload(Window owner) {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Upload files");
            List<File> files = chooser.showOpenMultipleDialog(owner);
            return files == null ? List.of() : files.stream().map(File::toPath).toList();
        }

        @Override
        public Path folderToUpload(Window owner) {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Upload a folder");
            File dir = chooser.showDialog(owner);
            return dir == null ? null : dir.toPath();
        }

        @Override
        public Path downloadFolder(Window owner, Path initial) {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Download to folder");
            if (initial != null && Files.isDirectory(initial)) {
                chooser.setInitialDirectory(initial.toFile());
            }
            File dir = chooser.showDialog(owner);
            return dir == null ? null : dir.toPath();
        }
    };
}
