package io.pooldisk.disk;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Content is freed as soon as its last reference goes: by RM, RMTREE, or a file replaced by other content. */
class ReleasedBlobsTest {

    @TempDir
    Path data;

    private DiskStore store;
    private FileTree files;
    private Uploads uploads;

    @BeforeEach
    void open() throws DiskException {
        store = DiskStore.open(data);
        store.accounts().add("alice", "pw".toCharArray(), 0);
        store.accounts().add("bob", "pw".toCharArray(), 0);
        files = store.files("alice");
        uploads = store.uploads("alice");
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void contentGoesWithItsLastReferenceAndNotBefore() throws Exception {
        byte[] twice = Content.bytes(5000, 50);
        Content.put(uploads, "/a", twice);
        Content.put(uploads, "/b", twice);
        files.remove("/a", false);
        assertThat(blob(twice)).exists(); // /b still holds it
        files.remove("/b", false);
        assertThat(blob(twice)).doesNotExist();

        files.mkdir("/d");
        files.mkdir("/d/e");
        byte[] one = Content.bytes(6000, 51);
        byte[] two = Content.bytes(7000, 52);
        Content.put(uploads, "/d/one", one);
        Content.put(uploads, "/d/e/two", two);
        Content.put(uploads, "/d-kept", two); // a sibling whose path sorts right after the tree's
        files.remove("/d", true);
        assertThat(blob(one)).doesNotExist();
        assertThat(blob(two)).exists();

        byte[] replaced = Content.bytes(8000, 53);
        Content.put(uploads, "/v", replaced);
        Content.put(uploads, "/v", Content.bytes(8000, 54));
        assertThat(blob(replaced)).doesNotExist();

        byte[] shared = Content.bytes(9000, 55);
        Content.put(store.uploads("bob"), "/mine", shared);
        Content.put(uploads, "/mine too", shared);
        files.remove("/mine too", false);
        assertThat(blob(shared)).exists(); // bob's file references it
        assertThat(Content.stored(store.files("bob"), "/mine")).isEqualTo(shared);
        assertThat(store.collectGarbage(java.time.Duration.ofHours(1)).blobsDeleted()).isZero();
    }

    /**
     * Two worker processes at once, both with the same content: one stores and removes it, one uploads it and reads
     * it back. Whenever a file references it, its blob is there and whole; at the end it is gone.
     */
    @Test
    void freeingRacesNoUploadOfTheSameContent() throws Exception {
        byte[] content = Content.bytes(64 * 1024, 56);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (DiskStore one = DiskStore.open(data); DiskStore two = DiskStore.open(data)) {
            Callable<Integer> storeAndRemove = () -> {
                for (int i = 0; i < 40; i++) {
                    Content.put(one.uploads("alice"), "/a", content);
                    one.files("alice").remove("/a", false);
                }
                return 0;
            };
            Callable<Integer> upload = () -> {
                for (int i = 0; i < 40; i++) {
                    Content.put(two.uploads("alice"), "/b", content);
                    assertThat(Content.stored(two.files("alice"), "/b")).isEqualTo(content);
                    two.files("alice").remove("/b", false);
                }
                return 0;
            };
            List<Future<Integer>> done = pool.invokeAll(List.of(storeAndRemove, upload));
            for (Future<Integer> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(files.list("/")).isEmpty();
        assertThat(blob(content)).doesNotExist();
    }

    private Path blob(byte[] content) {
        return Content.blob(data, Content.sha256(content));
    }
}
