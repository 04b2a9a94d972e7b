package io.pooldisk.disk;

import static io.pooldisk.disk.FileTreeTest.assertCode;
import static io.pooldisk.testing.TestServers.possessionProof;
import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.auth.Accounts;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        Accounts.of(store).add("alice", "pw".toCharArray(), 0);
        Accounts.of(store).add("bob", "pw".toCharArray(), 0);
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
        assertThat(store.collectGarbage(java.time.Duration.ofHours(1)).blobsDeleted())
                .isZero();
    }

    /**
     * Three worker processes at once, all with the same content: one stores and removes it, one uploads it, one
     * uploads it instantly. Whenever a file references it, its blob is there and whole; at the end it is gone.
     */
    @Test
    void freeingRacesNoUploadOrInstantUploadOfTheSameContent() throws Exception {
        byte[] content = Content.bytes(64 * 1024, 56);
        String sha = Content.sha256(content);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (DiskStore one = DiskStore.open(data);
                DiskStore two = DiskStore.open(data);
                DiskStore three = DiskStore.open(data)) {
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
            Callable<Integer> instant = () -> {
                int stored = 0;
                for (int i = 0; i < 200; i++) {
                    Uploads u = three.uploads("alice");
                    Optional<InstantChallenge> offer = u.challengeInstant("/c", content.length, sha);
                    if (offer.isEmpty()) {
                        continue; // nobody held it at that moment
                    }
                    try (InstantChallenge c = offer.get()) {
                        u.commitInstant(
                                "/c",
                                content.length,
                                sha,
                                c.expectedProof(b -> {}),
                                possessionProof(c.nonce(), content));
                        assertThat(Content.stored(three.files("alice"), "/c")).isEqualTo(content);
                        three.files("alice").remove("/c", false);
                        stored++;
                    } catch (DiskException e) {
                        assertThat(e.code()).as(e.getMessage()).isEqualTo(409); // freed meanwhile
                    }
                }
                return stored;
            };
            List<Future<Integer>> done = pool.invokeAll(List.of(storeAndRemove, upload, instant));
            for (Future<Integer> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(files.list("/")).isEmpty();
        assertThat(blob(content)).doesNotExist();
        assertCode(404, () -> files.stat("/c"));
    }

    private Path blob(byte[] content) {
        return Content.blob(data, Content.sha256(content));
    }
}
