package io.pooldisk.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pooldisk.auth.Accounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreeTest {

    @TempDir
    Path data;

    private DiskStore store;
    private FileTree files;

    @BeforeEach
    void open() throws DiskException {
        store = DiskStore.open(data);
        Accounts.of(store).add("alice", "secret".toCharArray(), 0);
        files = store.files("alice");
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void theRootIsAnEmptyDirectory() throws DiskException {
        assertThat(files.stat("/").kind()).isEqualTo(Entry.Kind.DIR);
        assertThat(files.list("/")).isEmpty();
        assertThat(Files.exists(data.resolve("pooldisk.db"))).isTrue();
        assertThat(data.resolve("blobs")).isDirectory();
        assertThat(data.resolve("parts")).isDirectory();
    }

    @Test
    void directoriesAndFilesRoundTrip() throws DiskException {
        Entry docs = files.mkdir("/docs");
        assertThat(docs)
                .extracting(Entry::path, Entry::name, Entry::kind, Entry::size, Entry::sha256)
                .containsExactly("/docs", "docs", Entry.Kind.DIR, 0L, "");
        files.mkdir("/docs/照片");
        byte[] content = Content.bytes(1000, 1);
        Entry file = Content.put(store.uploads("alice"), "/docs/a b.txt", content);
        assertThat(file.sha256()).isEqualTo(Content.sha256(content));

        assertThat(files.list("/docs")).extracting(Entry::name).containsExactly("a b.txt", "照片");
        assertThat(files.stat("/docs/a b.txt")).isEqualTo(file);
        assertThat(files.usedBytes()).isEqualTo(1000);
        try (Download d = files.openForDownload("/docs/a b.txt")) {
            assertThat(d.blob()).hasBinaryContent(content).startsWith(data.resolve("blobs"));
            assertThat(d.blob().getFileName().toString()).isEqualTo(file.sha256());
        }
    }

    @Test
    void movesFilesAndDirectoriesWithEverythingInThem() throws DiskException {
        files.mkdir("/a");
        files.mkdir("/a/b");
        Content.put(store.uploads("alice"), "/a/b/f", Content.bytes(10, 2));
        files.mkdir("/z");

        Entry moved = files.move("/a", "/z/a2");
        assertThat(moved.path()).isEqualTo("/z/a2");
        assertThat(files.list("/z/a2")).extracting(Entry::path).containsExactly("/z/a2/b");
        assertThat(files.list("/z/a2/b")).extracting(Entry::path).containsExactly("/z/a2/b/f");
        assertThat(files.stat("/z/a2/b/f").size()).isEqualTo(10);
        assertCode(404, () -> files.stat("/a"));
        assertCode(404, () -> files.stat("/a/b/f"));

        files.move("/z/a2/b/f", "/z/renamed");
        assertThat(files.list("/z")).extracting(Entry::name).containsExactly("a2", "renamed");
    }

    @Test
    void aListingIsInCodePointOrderAndReadFromOneSnapshot() throws Exception {
        // UTF-16 order would put U+FF5E after U+1F4F7 (a surrogate pair); code point order, UTF-8's, puts it before
        String[] names = {"b", "B", "a b", "é", "z", "照片", "\uFF5E", "\uD83D\uDCF7", "10", "9"};
        for (String name : names) {
            files.mkdir("/" + name);
        }
        List<String> streamed = new ArrayList<>();
        long[] count = {-1};
        try (DiskStore other = DiskStore.open(data)) { // another worker's connection
            files.list("/", new FileTree.ListingSink() {
                @Override
                public void begin(long n) throws IOException {
                    count[0] = n;
                    try { // committed between the count and the rows: part of neither
                        other.files("alice").mkdir("/0 late");
                    } catch (DiskException failure) {
                        throw new IOException(failure);
                    }
                }

                @Override
                public void entry(Entry e) {
                    streamed.add(e.path());
                }
            });
        }
        assertThat(streamed)
                .containsExactly("/10", "/9", "/B", "/a b", "/b", "/z", "/é", "/照片", "/\uFF5E", "/\uD83D\uDCF7");
        assertThat(count[0]).isEqualTo(names.length);
        assertThat(files.list("/")).extracting(Entry::name).startsWith("0 late").hasSize(names.length + 1);
    }

    @Test
    void aListingSinksFailureReachesTheCaller() throws DiskException {
        files.mkdir("/a");
        IOException broken = new IOException("the client went away");
        assertThatThrownBy(() -> files.list("/", new FileTree.ListingSink() {
                    @Override
                    public void begin(long n) {}

                    @Override
                    public void entry(Entry e) throws IOException {
                        throw broken;
                    }
                }))
                .isSameAs(broken);
        assertThat(files.mkdir("/b").name()).as("the read ended: writes go on").isEqualTo("b");
    }

    @Test
    void moveRefusesConflicts() throws DiskException {
        files.mkdir("/a");
        files.mkdir("/b");
        assertCode(409, () -> files.move("/a", "/b"));
        assertCode(409, () -> files.move("/a", "/a/inside"));
        assertCode(404, () -> files.move("/missing", "/c"));
        assertCode(404, () -> files.move("/a", "/missing/c"));
        assertCode(403, () -> files.move("/", "/c"));
        Content.put(store.uploads("alice"), "/f", new byte[0]);
        assertCode(409, () -> files.move("/a", "/f/a"));
    }

    @Test
    void mkdirNeedsAParentAndAFreeName() throws DiskException {
        files.mkdir("/a");
        assertCode(409, () -> files.mkdir("/a"));
        assertCode(409, () -> files.mkdir("/"));
        assertCode(404, () -> files.mkdir("/x/y"));
        Content.put(store.uploads("alice"), "/f", new byte[1]);
        assertCode(409, () -> files.mkdir("/f/y"));
        assertCode(409, () -> files.list("/f"));
    }

    @Test
    void removeTakesFilesEmptyDirectoriesOrWholeTrees() throws DiskException {
        files.mkdir("/a");
        files.mkdir("/a/b");
        Content.put(store.uploads("alice"), "/a/b/f", new byte[5]);
        files.mkdir("/ab"); // shares a prefix, not a parent

        assertCode(409, () -> files.remove("/a", false));
        files.remove("/a/b/f", false);
        assertCode(404, () -> files.stat("/a/b/f"));
        Content.put(store.uploads("alice"), "/a/b/g", new byte[5]);
        files.remove("/a", true);
        assertThat(files.list("/")).extracting(Entry::path).containsExactly("/ab");
        assertThat(files.usedBytes()).isZero();
        assertCode(403, () -> files.remove("/", true));
        assertCode(404, () -> files.remove("/nothing", false));
    }

    @Test
    void namespacesAreSeparatePerUser() throws DiskException {
        Accounts.of(store).add("bob", "pw".toCharArray(), 0);
        files.mkdir("/mine");
        assertThat(store.files("bob").list("/")).isEmpty();
        assertCode(404, () -> store.files("bob").stat("/mine"));
    }

    @Test
    void everyOperationRefusesBadNames() {
        for (String bad : new String[] {"/a/../b", "/a//b", "/a\0b", "/a\u0001b", "/" + "x".repeat(256)}) {
            assertCode(400, () -> files.stat(bad));
            assertCode(400, () -> files.mkdir(bad));
            assertCode(400, () -> files.move("/", bad));
            assertCode(400, () -> files.remove(bad, true));
            assertCode(400, () -> store.uploads("alice").begin(bad, 1, Content.sha256(new byte[1])));
        }
    }

    static void assertCode(int code, ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOf(DiskException.class)
                .satisfies(e -> assertThat(((DiskException) e).code())
                        .as(e.getMessage())
                        .isEqualTo(code));
    }
}
