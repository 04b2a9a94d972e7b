package io.pooldisk.disk;

import java.nio.file.Path;

/** A file to send: its entry and the blob holding its verified content. */
public record Download(Entry entry, Path blob) {
}
