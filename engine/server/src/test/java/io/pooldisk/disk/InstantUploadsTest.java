package io.pooldisk.disk;

import static io.pooldisk.disk.FileTreeTest.assertCode;
import static io.pooldisk.testing.TestServers.possessionProof;
import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.auth.Accounts;
import io.pooldisk.testing.ManualClock;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Instant uploads (秒传): a proof of the whole content, limits on failed proofs, and whose content qualifies. */
class InstantUploadsTest {

    private static final byte[] CONTENT = Content.bytes(3 * 1024 * 1024 + 5, 40);
    private static final String SHA = Content.sha256(CONTENT);

    @TempDir
    Path data;

    private final ManualClock clock = new ManualClock();
    private DiskStore store;

    @BeforeEach
    void open() throws Exception {
        store = DiskStore.open(data, InstantUploadPolicy.ALL, clock);
        for (String user : List.of("alice", "bob", "carol", "dave", "erin", "frank")) {
            Accounts.of(store).add(user, "pw".toCharArray(), 0);
        }
        Content.put(store.uploads("alice"), "/original", CONTENT);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void theProofIsAnHmacOfTheWholeContentKeyedByAFreshNonce() throws Exception {
        Uploads bob = store.uploads("bob");
        String first;
        try (InstantChallenge c =
                bob.challengeInstant("/copy", CONTENT.length, SHA).orElseThrow()) {
            first = c.nonce();
            assertThat(c.expectedProof(bytes -> {})).isEqualTo(possessionProof(c.nonce(), CONTENT));
        }
        try (InstantChallenge c =
                bob.challengeInstant("/copy", CONTENT.length, SHA).orElseThrow()) {
            assertThat(c.nonce()).matches("[0-9a-f]{64}").isNotEqualTo(first);
            String expected = c.expectedProof(bytes -> {});
            // answered to another worker process: the expected proof travels with the session, not in this one
            try (DiskStore other = DiskStore.open(data, InstantUploadPolicy.ALL)) {
                Entry e = other.uploads("bob")
                        .commitInstant("/copy", CONTENT.length, SHA, expected, possessionProof(c.nonce(), CONTENT));
                assertThat(e.sha256()).isEqualTo(SHA);
            }
        }
        try (Download copy = store.files("bob").openForDownload("/copy");
                Download original = store.files("alice").openForDownload("/original")) {
            assertThat(copy.blob()).isEqualTo(original.blob()); // stored once
        }
        assertThat(store.files("bob").usedBytes()).isEqualTo(CONTENT.length);
    }

    @Test
    void anythingShortOfTheWholeContentFailsTheProof() throws Exception {
        byte[] lastByteWrong = CONTENT.clone();
        lastByteWrong[CONTENT.length - 1] ^= 1;
        List<byte[]> parts = List.of(
                Arrays.copyOf(CONTENT, CONTENT.length / 2),
                Arrays.copyOfRange(CONTENT, CONTENT.length / 2, CONTENT.length),
                Arrays.copyOf(CONTENT, CONTENT.length - 1),
                lastByteWrong);
        List<String> users = List.of("bob", "carol", "dave", "erin");
        for (int i = 0; i < parts.size(); i++) {
            String user = users.get(i);
            Uploads u = store.uploads(user);
            byte[] part = parts.get(i);
            for (int round = 0; round < ProofFailures.MAX_FAILURES; round++) {
                try (InstantChallenge c =
                        u.challengeInstant("/x", CONTENT.length, SHA).orElseThrow()) {
                    String expected = c.expectedProof(bytes -> {});
                    assertCode(
                            412,
                            () -> u.commitInstant(
                                    "/x", CONTENT.length, SHA, expected, possessionProof(c.nonce(), part)));
                }
            }
            assertThat(u.challengeInstant("/x", CONTENT.length, SHA)).isEmpty();
            assertCode(404, () -> store.files(user).stat("/x"));
        }
        // nor does the content's SHA-256, or a right proof for another nonce
        Uploads frank = store.uploads("frank");
        String[] stale = new String[1];
        try (InstantChallenge c =
                frank.challengeInstant("/x", CONTENT.length, SHA).orElseThrow()) {
            stale[0] = possessionProof(c.nonce(), CONTENT);
            assertCode(412, () -> frank.commitInstant("/x", CONTENT.length, SHA, c.expectedProof(b -> {}), SHA));
        }
        try (InstantChallenge c =
                frank.challengeInstant("/x", CONTENT.length, SHA).orElseThrow()) {
            assertCode(412, () -> frank.commitInstant("/x", CONTENT.length, SHA, c.expectedProof(b -> {}), stale[0]));
        }
    }

    @Test
    void failedAndAbandonedChallengesRunOutPerUserAndContentForADay() throws Exception {
        Uploads bob = store.uploads("bob");
        bob.challengeInstant("/x", CONTENT.length, SHA).orElseThrow().close(); // abandoned: no answer
        try (InstantChallenge c =
                bob.challengeInstant("/x", CONTENT.length, SHA).orElseThrow()) {
            assertCode(
                    412,
                    () -> bob.commitInstant(
                            "/x", CONTENT.length, SHA, c.expectedProof(b -> {}), Content.sha256(new byte[0])));
        }
        bob.challengeInstant("/y", CONTENT.length, SHA).orElseThrow().close(); // any path: the count is the content's
        assertThat(bob.challengeInstant("/x", CONTENT.length, SHA)).isEmpty(); // bob must send the bytes now
        try (DiskStore otherProcess = DiskStore.open(data, InstantUploadPolicy.ALL, clock)) {
            assertThat(otherProcess.uploads("bob").challengeInstant("/x", CONTENT.length, SHA))
                    .isEmpty();
        }
        Uploads.Ticket sending = bob.begin("/x", CONTENT.length, SHA);
        assertThat(sending.offset()).isZero();

        // another user, or bob with other content, is not limited by what bob failed
        store.uploads("carol")
                .challengeInstant("/x", CONTENT.length, SHA)
                .orElseThrow()
                .close();
        byte[] other = Content.bytes(1000, 41);
        Content.put(store.uploads("alice"), "/other", other);
        bob.challengeInstant("/o", other.length, Content.sha256(other))
                .orElseThrow()
                .close();

        clock.advance(ProofFailures.WINDOW.minus(Duration.ofMinutes(1)));
        assertThat(bob.challengeInstant("/x", CONTENT.length, SHA)).isEmpty();
        clock.advance(Duration.ofMinutes(2));
        Entry proved;
        try (InstantChallenge c =
                bob.challengeInstant("/x", CONTENT.length, SHA).orElseThrow()) {
            proved = bob.commitInstant(
                    "/x", CONTENT.length, SHA, c.expectedProof(b -> {}), possessionProof(c.nonce(), CONTENT));
        }
        assertThat(proved.size()).isEqualTo(CONTENT.length);
        assertThat(sending.partFile()).doesNotExist(); // the unfinished upload of the same file is done with
        // a right answer clears the count
        for (int i = 0; i < ProofFailures.MAX_FAILURES; i++) {
            bob.challengeInstant("/z", CONTENT.length, SHA).orElseThrow().close();
        }
        assertThat(bob.challengeInstant("/z", CONTENT.length, SHA)).isEmpty();
    }

    @Test
    void thePolicySaysWhoseContentQualifies() throws Exception {
        store.close();
        store = DiskStore.open(data); // the default: own content only
        assertThat(store.uploads("bob").challengeInstant("/copy", CONTENT.length, SHA))
                .isEmpty();
        Uploads alice = store.uploads("alice");
        try (InstantChallenge c =
                alice.challengeInstant("/copy", CONTENT.length, SHA).orElseThrow()) {
            alice.commitInstant(
                    "/copy", CONTENT.length, SHA, c.expectedProof(b -> {}), possessionProof(c.nonce(), CONTENT));
        }
        assertThat(alice.challengeInstant("/other", CONTENT.length + 1, SHA)).isEmpty(); // not that size
        store.close();
        store = DiskStore.open(data, InstantUploadPolicy.OFF);
        assertThat(store.uploads("alice").challengeInstant("/again", CONTENT.length, SHA))
                .isEmpty();
    }

    @Test
    void aChallengeRefusesWhatAnUploadWouldAndCountsNothingThen() throws Exception {
        Accounts.of(store).setQuota("bob", CONTENT.length + 100);
        Uploads bob = store.uploads("bob");
        byte[] small = Content.bytes(200, 42);
        Uploads.Ticket unfinished = bob.begin("/unfinished", small.length, Content.sha256(small));
        for (int i = 0; i <= ProofFailures.MAX_FAILURES; i++) {
            assertCode(507, () -> bob.challengeInstant("/x", CONTENT.length, SHA));
        }
        assertCode(404, () -> bob.challengeInstant("/no/dir/x", CONTENT.length, SHA));
        try (PartWriter w = bob.openPart(unfinished)) {
            w.write(ByteBuffer.wrap(small));
            bob.commit(w);
        }
        Accounts.of(store).setQuota("bob", 0);
        bob.challengeInstant("/x", CONTENT.length, SHA).orElseThrow().close(); // the refusals counted nothing
    }

    @Test
    void contentFreedBetweenChallengeAndAnswerIsReadFromTheOpenBlobButNotStored() throws Exception {
        store.close();
        store = DiskStore.open(data, InstantUploadPolicy.OWN, clock);
        Uploads alice = store.uploads("alice");
        Optional<InstantChallenge> offer = alice.challengeInstant("/copy", CONTENT.length, SHA);
        try (InstantChallenge c = offer.orElseThrow()) {
            store.files("alice").remove("/original", false); // its last reference: the blob goes at once
            assertThat(Content.blob(data, SHA)).doesNotExist();
            String expected = c.expectedProof(b -> {});
            assertThat(expected).isEqualTo(possessionProof(c.nonce(), CONTENT));
            assertCode(
                    409,
                    () -> alice.commitInstant(
                            "/copy", CONTENT.length, SHA, expected, possessionProof(c.nonce(), CONTENT)));
        }
        assertCode(404, () -> store.files("alice").stat("/copy"));
    }
}
