package io.pooldisk.disk;

import static io.pooldisk.disk.FileTreeTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pooldisk.auth.Accounts;
import io.pooldisk.unix.DescriptorIo;
import io.pooldisk.unix.FileDescriptor;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadsTest {

    @TempDir
    Path data;

    private DiskStore store;
    private Uploads uploads;
    private FileTree files;

    @BeforeEach
    void open() throws DiskException {
        store = DiskStore.open(data);
        Accounts.of(store).add("alice", "secret".toCharArray(), 0);
        uploads = store.uploads("alice");
        files = store.files("alice");
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aNewUploadStartsAtZeroAndCommitsWhole() throws Exception {
        byte[] content = Content.bytes(1024 * 1024 + 1, 1);
        Uploads.Ticket t = uploads.begin("/big.bin", content.length, Content.sha256(content));
        assertThat(t.offset()).isZero();
        assertThat(t.partFile()).startsWith(data.resolve("parts"));
        try (PartWriter w = uploads.openPart(t)) {
            for (int at = 0; at < content.length; at += 100_000) {
                w.write(ByteBuffer.wrap(content, at, Math.min(100_000, content.length - at)));
            }
            Entry e = uploads.commit(w);
            assertThat(e.size()).isEqualTo(content.length);
        }
        assertThat(Content.stored(files, "/big.bin")).isEqualTo(content);
        assertThat(t.partFile()).doesNotExist();
        assertThat(Content.put(uploads, "/empty", new byte[0]).size()).isZero();
        assertThat(Content.stored(files, "/empty")).isEmpty();
    }

    @Test
    void resumesAtTheByteAfterADisconnect() throws Exception {
        byte[] content = Content.bytes(300_000, 2);
        String sha = Content.sha256(content);
        Uploads.Ticket first = uploads.begin("/r.bin", content.length, sha);
        try (PartWriter w = uploads.openPart(first)) {
            w.write(ByteBuffer.wrap(content, 0, 123_457));
        } // the client went away

        Uploads.Ticket again = uploads.begin("/r.bin", content.length, sha);
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.offset()).isEqualTo(123_457);
        PartWriter w = uploads.openPart(again);
        assertThat(w.position()).isEqualTo(123_457);
        w.write(ByteBuffer.wrap(content, 123_457, content.length - 123_457));
        uploads.commit(w);
        assertThat(Content.stored(files, "/r.bin")).isEqualTo(content);
    }

    @Test
    void aSuspendedUploadGoesOnFromItsSavedHashStateOrByHashingThePartAgain() throws Exception {
        assertThat(DigestState.supported())
                .as("this JDK's SHA-256 state can be saved")
                .isTrue();
        byte[] content = Content.bytes(3_000_003, 12);
        String sha = Content.sha256(content);
        Uploads.Ticket t = uploads.begin("/s.bin", content.length, sha);
        PartWriter first = uploads.openPart(t);
        first.write(ByteBuffer.wrap(content, 0, 1_000_001)); // not a whole number of 64-byte blocks
        byte[] saved = first.suspend();
        assertThat(saved).isNotEmpty().hasSizeLessThan(200);
        assertThat(first.position()).isEqualTo(1_000_001);

        // Another process goes on from the saved state, then suspends again.
        PartWriter second = uploads.resumePart(t.id(), t.path(), t.size(), sha, 1_000_001, saved);
        second.write(ByteBuffer.wrap(content, 1_000_001, 1_000_000));
        byte[] savedAgain = second.suspend();

        // A state that does not match the part (or none) is no harm: the part is hashed again.
        assertThat(DigestState.restore(savedAgain, 1_000_001)).isNull();
        PartWriter third = uploads.resumePart(t.id(), t.path(), t.size(), sha, 2_000_001, new byte[0]);
        third.write(ByteBuffer.wrap(content, 2_000_001, content.length - 2_000_001));
        uploads.commit(third);
        assertThat(Content.stored(files, "/s.bin")).isEqualTo(content);
    }

    @Test
    void aSuspendedUploadDoesNotGoOnWhenItsPartChangedOrItsRowIsGone() throws Exception {
        byte[] content = Content.bytes(10_000, 13);
        String sha = Content.sha256(content);
        Uploads.Ticket t = uploads.begin("/g.bin", content.length, sha);
        PartWriter w = uploads.openPart(t);
        w.write(ByteBuffer.wrap(content, 0, 4000));
        byte[] saved = w.suspend();
        try (PartWriter other = uploads.openPart(t)) { // another session of the same user wrote meanwhile
            other.write(ByteBuffer.wrap(content, 4000, 10));
        }
        assertCode(409, () -> uploads.resumePart(t.id(), t.path(), t.size(), sha, 4000, saved));
        uploads.abort(t);
        assertCode(404, () -> uploads.resumePart(t.id(), t.path(), t.size(), sha, 4010, saved));
        assertCode(404, () -> store.uploads("bob").resumePart(t.id(), t.path(), t.size(), sha, 4010, saved));
    }

    @Test
    void splicedBytesAreCountedExactlyAndMixWithWrittenOnes() throws Exception {
        byte[] content = Content.bytes(3_000_003, 22);
        String sha = Content.sha256(content);
        FileDescriptor[] pipe = FileDescriptor.pipe(1 << 20);
        try {
            try (PartWriter w = uploads.openPart(uploads.begin("/spliced", content.length, sha))) {
                w.write(ByteBuffer.wrap(content, 0, 1001)); // what came with the PUT line
                assertThat(splice(w, pipe, content, 1001, 1_000_000)).isTrue();
                assertCode(400, () -> w.spliceFrom(pipe[0].intValue(), content.length)); // past the announced size
                assertThat(w.position()).isEqualTo(1_001_001);
            } // the client went away
            PartWriter w = uploads.openPart(uploads.begin("/spliced", content.length, sha));
            assertThat(w.position()).isEqualTo(1_001_001);
            for (int at = 1_001_001; at < content.length; at += 700_000) {
                assertThat(splice(w, pipe, content, at, Math.min(700_000, content.length - at)))
                        .isTrue();
            }
            uploads.commit(w);
            assertThat(Content.stored(files, "/spliced")).isEqualTo(content);
        } finally {
            pipe[0].close();
            pipe[1].close();
        }
    }

    /** Puts {@code length} bytes of {@code content} in the pipe, in pieces it holds, and splices them into the part. */
    private static boolean splice(PartWriter w, FileDescriptor[] pipe, byte[] content, int offset, int length)
            throws Exception {
        for (int at = offset; at < offset + length; at += 65_536) {
            int n = Math.min(65_536, offset + length - at);
            ByteBuffer piece = ByteBuffer.allocateDirect(n).put(content, at, n).flip();
            DescriptorIo.writeFully(pipe[1].intValue(), piece);
            if (!w.spliceFrom(pipe[0].intValue(), n)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void resumesAfterTheServerRestartsAndVerifiesAPartWrittenDirectly() throws Exception {
        byte[] content = Content.bytes(200_000, 3);
        String sha = Content.sha256(content);
        Uploads.Ticket t = uploads.begin("/restart.bin", content.length, sha);
        Files.write(t.partFile(), Arrays.copyOf(content, 50_000)); // a worker killed mid-way
        store.close();

        store = DiskStore.open(data);
        uploads = store.uploads("alice");
        Uploads.Ticket resumed = uploads.begin("/restart.bin", content.length, sha);
        assertThat(resumed.offset()).isEqualTo(50_000);
        Files.write(resumed.partFile(), Arrays.copyOfRange(content, 50_000, content.length), StandardOpenOption.APPEND);
        uploads.commit(resumed);
        assertThat(Content.stored(store.files("alice"), "/restart.bin")).isEqualTo(content);
    }

    @Test
    void aHashMismatchDiscardsThePart() throws Exception {
        byte[] announced = Content.bytes(70_000, 4);
        byte[] sent = announced.clone();
        sent[69_999] ^= 1;
        Uploads.Ticket t = uploads.begin("/bad.bin", announced.length, Content.sha256(announced));
        PartWriter w = uploads.openPart(t);
        w.write(ByteBuffer.wrap(sent));
        assertCode(412, () -> uploads.commit(w));
        assertThat(t.partFile()).doesNotExist();
        assertCode(404, () -> files.stat("/bad.bin"));
        assertThat(uploads.begin("/bad.bin", announced.length, Content.sha256(announced))
                        .offset())
                .isZero();
    }

    @Test
    void refusesIncompleteOverlongAndConflictingUploads() throws Exception {
        byte[] content = Content.bytes(1000, 5);
        Uploads.Ticket t = uploads.begin("/c.bin", content.length, Content.sha256(content));
        try (PartWriter w = uploads.openPart(t)) {
            assertCode(400, () -> w.write(ByteBuffer.wrap(new byte[1001])));
            w.write(ByteBuffer.wrap(content, 0, 10));
            assertCode(409, () -> uploads.openPart(t)); // another session writes it now
            assertCode(409, () -> store.uploads("alice").commit(t));
        }
        assertCode(409, () -> uploads.commit(t)); // 10 of 1000 bytes
        files.mkdir("/dir");
        assertCode(409, () -> uploads.begin("/dir", 1, Content.sha256(new byte[1])));
        assertCode(404, () -> uploads.begin("/no/such/dir/f", 1, Content.sha256(new byte[1])));
        assertCode(400, () -> uploads.begin("/f", 1, "not-a-hash"));
        assertCode(400, () -> uploads.begin("/f", -1, Content.sha256(new byte[1])));
    }

    @Test
    void aPutWaitsForTheSessionThatIsLettingGoOfThePart() throws Exception {
        byte[] content = Content.bytes(1000, 8);
        Uploads.Ticket t = uploads.begin("/w.bin", content.length, Content.sha256(content));
        PartWriter old = uploads.openPart(t);
        old.write(ByteBuffer.wrap(content, 0, 10));
        java.util.concurrent.FutureTask<PartWriter> resumed =
                new java.util.concurrent.FutureTask<>(() -> uploads.openPart(t));
        Thread resuming = new Thread(resumed, "resuming session");
        resuming.start();
        // It found the part locked and waits (sleeping between tries) rather than answering 409 at once.
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(1))
                .until(() -> resuming.getState() == Thread.State.TIMED_WAITING);
        old.close(); // the old session noticed its client had gone
        try (PartWriter w = resumed.get(10, TimeUnit.SECONDS)) {
            assertThat(w.position()).isEqualTo(10);
        }
    }

    @Test
    void anUploadReplacesAnOlderFileWhole() throws Exception {
        Content.put(uploads, "/v", Content.bytes(5000, 6));
        byte[] v2 = Content.bytes(7000, 7);
        Content.put(uploads, "/v", v2);
        assertThat(files.stat("/v").sha256()).isEqualTo(Content.sha256(v2));
        assertThat(Content.stored(files, "/v")).isEqualTo(v2);
        assertThat(files.usedBytes()).isEqualTo(7000);
    }

    @Test
    void theQuotaRefusesUpFrontAndAtCommitWithNothingWritten() throws Exception {
        Accounts.of(store).setQuota("alice", 1000);
        Content.put(uploads, "/a", Content.bytes(600, 8));
        assertCode(507, () -> uploads.begin("/b", 500, Content.sha256(new byte[500])));
        assertThat(Files.list(data.resolve("parts"))).isEmpty();
        Content.put(uploads, "/a", Content.bytes(1000, 9)); // a replacement frees what it replaces

        Accounts.of(store).setQuota("alice", 2000);
        byte[] x = Content.bytes(600, 10);
        Uploads.Ticket tx = uploads.begin("/x", x.length, Content.sha256(x));
        Files.write(tx.partFile(), x);
        Accounts.of(store).setQuota("alice", 1500); // lowered while the upload was under way
        assertCode(507, () -> uploads.commit(tx));
        assertCode(404, () -> files.stat("/x"));
        assertThat(files.usedBytes()).isEqualTo(1000);
        assertThat(blob(Content.sha256(x))).doesNotExist();
        assertThat(tx.partFile()).exists(); // kept: it commits once space is freed
        files.remove("/a", false);
        assertThat(uploads.commit(tx).size()).isEqualTo(600);
    }

    @Test
    void unfinishedUploadsCountAgainstTheQuotaWithTheirFullSize() throws Exception {
        Accounts.of(store).setQuota("alice", 2000);
        Content.put(uploads, "/stored", Content.bytes(500, 30));
        byte[] x = Content.bytes(800, 31);
        byte[] y = Content.bytes(800, 32);
        Uploads.Ticket tx = uploads.begin("/x", x.length, Content.sha256(x));
        Files.write(tx.partFile(), Arrays.copyOf(x, 10)); // 10 bytes in, 800 counted
        // 500 stored + 800 unfinished + 800 > 2000: refused before a byte is sent, saying why
        assertThatThrownBy(() -> uploads.begin("/y", y.length, Content.sha256(y)))
                .isInstanceOf(DiskException.class)
                .hasMessageContaining("800 held by unfinished uploads")
                .satisfies(e -> assertThat(((DiskException) e).code()).isEqualTo(507));
        assertThat(Files.list(data.resolve("parts"))).containsExactly(tx.partFile());
        // resuming the same upload does not count it twice
        Uploads.Ticket again = uploads.begin("/x", x.length, Content.sha256(x));
        assertThat(again.id()).isEqualTo(tx.id());
        assertThat(again.offset()).isEqualTo(10);
        // nor does its commit; then its size counts as a stored file's
        Files.write(tx.partFile(), x);
        uploads.commit(tx);
        assertCode(507, () -> uploads.begin("/y", y.length, Content.sha256(y)));
        files.remove("/stored", false);
        assertThat(Content.put(uploads, "/y", y).size()).isEqualTo(800);
    }

    @Test
    void concurrentCommitsToOnePathLeaveOneWholeFile() throws Exception {
        byte[] a = Content.bytes(2 * 1024 * 1024, 14);
        byte[] b = Content.bytes(2 * 1024 * 1024 + 7, 15);
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (DiskStore one = DiskStore.open(data);
                DiskStore two = DiskStore.open(data)) {
            CyclicBarrier start = new CyclicBarrier(2);
            Callable<Void> reader = () -> {
                try (DiskStore third = DiskStore.open(data)) {
                    while (writing.get()) {
                        try {
                            try (Download d = third.files("alice").openForDownload("/same")) {
                                assertThat(Content.sha256(Content.read(d)))
                                        .isEqualTo(d.entry().sha256());
                            }
                        } catch (DiskException e) {
                            assertThat(e.code()).isEqualTo(404); // not committed yet
                        }
                    }
                }
                return null;
            };
            Future<?> readerDone = pool.submit(reader);
            List<Future<Void>> writers = List.of(
                    pool.submit(() -> commitRepeatedly(one.uploads("alice"), a, start)),
                    pool.submit(() -> commitRepeatedly(two.uploads("alice"), b, start)));
            for (Future<Void> w : writers) {
                w.get(2, TimeUnit.MINUTES);
            }
            writing.set(false);
            readerDone.get(1, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
        Entry e = files.stat("/same");
        byte[] stored = Content.stored(files, "/same");
        assertThat(stored)
                .satisfiesAnyOf(
                        s -> assertThat(s).isEqualTo(a), s -> assertThat(s).isEqualTo(b));
        assertThat(e.sha256()).isEqualTo(Content.sha256(stored));
        assertThat(files.list("/")).hasSize(1);
    }

    @Test
    void commitsFromTwoProcessesToOnePathLeaveOneWholeFile() throws Exception {
        int size = 1024 * 1024;
        Process other = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        CommitLoop.class.getName(),
                        data.toString(),
                        "alice",
                        "/same",
                        Integer.toString(size),
                        "21",
                        "30")
                .redirectErrorStream(true)
                .start();
        byte[] mine = Content.bytes(size, 22);
        while (other.isAlive()) {
            Content.put(uploads, "/same", mine);
        }
        assertThat(other.waitFor())
                .as(new String(other.getInputStream().readAllBytes()))
                .isZero();
        byte[] stored = Content.stored(files, "/same");
        assertThat(Content.sha256(stored))
                .isIn(Content.sha256(mine), Content.sha256(Content.bytes(size, 21)))
                .isEqualTo(files.stat("/same").sha256());
    }

    private static Void commitRepeatedly(Uploads uploads, byte[] content, CyclicBarrier start) throws Exception {
        for (int round = 0; round < 10; round++) {
            Uploads.Ticket t = uploads.begin("/same", content.length, Content.sha256(content));
            PartWriter w = uploads.openPart(t);
            w.write(ByteBuffer.wrap(content, (int) w.position(), content.length - (int) w.position()));
            start.await(1, TimeUnit.MINUTES);
            uploads.commit(w);
        }
        return null;
    }

    @Test
    void garbageCollectionRemovesStalePartsAndUnreferencedBlobs() throws Exception {
        byte[] kept = Content.bytes(4000, 16);
        byte[] dropped = Content.bytes(5000, 17);
        Content.put(uploads, "/kept", kept);
        // a blob nothing references, as a worker that died before it freed it would leave
        Path stray = blob(Content.sha256(dropped));
        Files.createDirectories(stray.getParent());
        Files.write(stray, dropped);
        byte[] partial = Content.bytes(9000, 18);
        Uploads.Ticket stale = uploads.begin("/stale", partial.length, Content.sha256(partial));
        Files.write(stale.partFile(), Arrays.copyOf(partial, 3000));
        byte[] other = Content.bytes(9000, 20);
        Uploads.Ticket fresh = uploads.begin("/fresh", other.length, Content.sha256(other));
        Files.write(fresh.partFile(), Arrays.copyOf(other, 1000));
        Files.setLastModifiedTime(stale.partFile(), FileTime.from(Instant.now().minus(Duration.ofHours(2))));

        GcReport first = store.collectGarbage(Duration.ofHours(1));
        assertThat(first.partsDeleted()).isZero(); // its row was touched at begin: it is not stale yet
        assertThat(first.blobsDeleted()).isEqualTo(1);
        assertThat(first.bytesFreed()).isEqualTo(5000);
        assertThat(stray).doesNotExist();
        assertThat(Content.stored(files, "/kept")).isEqualTo(kept);

        Thread.sleep(5); // both uploads began over 1 ms ago: a TTL of 1 ms expires them unless they are written
        try (PartWriter writing = uploads.openPart(fresh)) {
            GcReport second = store.collectGarbage(Duration.ofMillis(1));
            assertThat(second.partsDeleted()).isEqualTo(1); // the stale one; the one being written is kept
            assertThat(second.bytesFreed()).isEqualTo(3000);
            assertThat(stale.partFile()).doesNotExist();
            assertThat(fresh.partFile()).exists();
            assertThat(writing.position()).isEqualTo(1000);
        }
        assertThat(uploads.begin("/stale", partial.length, Content.sha256(partial))
                        .offset())
                .isZero();
    }

    @Test
    void anOpenDownloadKeepsItsContentWhenTheFileIsDeletedAndItsContentFreed() throws Exception {
        byte[] content = Content.bytes(70_000, 22);
        Content.put(uploads, "/going", content);
        try (Download d = files.openForDownload("/going")) {
            files.remove("/going", false);
            assertThat(d.blob()).doesNotExist();
            assertThat(Content.read(d)).isEqualTo(content);
        }
        assertCode(404, () -> files.openForDownload("/going"));
    }

    @Test
    void contentMissingFromTheBlobStoreIsAStorageFailure() throws Exception {
        Content.put(uploads, "/lost", Content.bytes(10, 23));
        Files.delete(blob(files.stat("/lost").sha256()));
        assertCode(500, () -> files.openForDownload("/lost"));
    }

    @Test
    void deletingAUserLeavesItsBlobsAndPartsToGarbageCollection() throws Exception {
        byte[] content = Content.bytes(1234, 19);
        Content.put(uploads, "/f", content);
        Uploads.Ticket t = uploads.begin("/g", 10, Content.sha256(new byte[10]));
        Files.write(t.partFile(), new byte[4]);
        Accounts.of(store).delete("alice");
        assertCode(404, () -> files.stat("/f"));
        GcReport r = store.collectGarbage(Duration.ofHours(24));
        assertThat(r).isEqualTo(new GcReport(1, 1, 1238));
        assertThat(Files.list(data.resolve("parts"))).isEmpty();
    }

    private Path blob(String sha256) {
        return Content.blob(data, sha256);
    }
}
