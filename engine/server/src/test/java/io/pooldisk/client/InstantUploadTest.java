package io.pooldisk.client;

import static io.pooldisk.testing.TestServers.loggedIn;
import static io.pooldisk.testing.TestServers.possessionProof;
import static io.pooldisk.testing.TestServers.randomBytes;
import static io.pooldisk.testing.TestServers.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.disk.InstantUploadPolicy;
import io.pooldisk.pool.PoolServer;
import io.pooldisk.testing.LineClient;
import io.pooldisk.testing.PoolDiskProcess;
import io.pooldisk.testing.TestServers;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instant upload (秒传) against real servers: only a client that holds every byte of the content completes one,
 * whatever part it knows and however often it tries from however many sessions; and by default only with content of
 * its own (issue 12, items 1 and 6).
 */
class InstantUploadTest {

    private static final int SIZE = 1024 * 1024 + 3;

    @TempDir
    Path tmp;

    private final byte[] content = randomBytes(SIZE, 7);
    private final String sha = sha256(content);

    @Test
    void aClientHoldingPartOfTheContentFailsEveryTryFromEverySession() throws Exception {
        Path data = TestServers.dataWithUsers(tmp, "ann", "a", 0, "bob", "b", 0, "carol", "c", 0, "dave", "d", 0);
        try (PoolServer server = PoolServer.start(TestServers.config(data, 2)
                .instantUploads(InstantUploadPolicy.ALL)
                .build())) {
            try (DiskClient ann =
                    DiskClient.connect("127.0.0.1", server.address().getPort())) {
                ann.login("ann", "a".toCharArray());
                ann.upload(Files.write(tmp.resolve("ann.bin"), content), "/private.bin", TransferListener.NONE);
            }
            // bob knows the first half exactly; carol all but the last byte. Each guesses the rest as zeros.
            byte[] half = Arrays.copyOf(Arrays.copyOf(content, SIZE / 2), SIZE);
            byte[] allButLast = Arrays.copyOf(Arrays.copyOf(content, SIZE - 1), SIZE);
            for (Object[] attacker : new Object[][] {{"bob", "b", half}, {"carol", "c", allButLast}}) {
                tryToSteal(server.address(), (String) attacker[0], (String) attacker[1], (byte[]) attacker[2]);
            }

            // dave has the whole file: his upload is instant (no byte sent) and his copy is whole
            Path whole = Files.write(tmp.resolve("dave.bin"), content);
            List<Long> progress = new ArrayList<>();
            try (DiskClient dave =
                    DiskClient.connect("127.0.0.1", server.address().getPort())) {
                dave.login("dave", "d".toCharArray());
                RemoteEntry e = dave.upload(whole, "/mine.bin", (done, total) -> progress.add(done));
                assertThat(e.sha256()).isEqualTo(sha);
                assertThat(progress).containsExactly((long) SIZE); // proved: never sent from byte 0
                Path back = dave.download("/mine.bin", tmp.resolve("back.bin"), TransferListener.NONE);
                assertThat(Files.mismatch(whole, back)).isEqualTo(-1);
            }
        }
    }

    /**
     * The attacker's rounds, from several sessions that land on both workers: a challenge abandoned by a disconnect,
     * one answered wrong, one abandoned by another PUT (three: the limit per user, content and day); from then on
     * every PUT gets OK SEND 0, and the bytes it can send do not match. Nothing is ever stored for it.
     */
    private void tryToSteal(InetSocketAddress server, String user, String password, byte[] known) throws Exception {
        String put = "PUT " + SIZE + " " + sha + " /stolen.bin";
        try (LineClient first = loggedIn(server, user, password)) {
            assertThat(first.request(put)).matches("OK PROVE [0-9a-f]{64}");
        } // disconnected without an answer
        try (LineClient second = loggedIn(server, user, password);
                LineClient third = loggedIn(server, user, password)) {
            String nonce = second.request(put).substring("OK PROVE ".length());
            assertThat(second.request("HASH " + possessionProof(nonce, known)))
                    .startsWith("ERR 412 proof of possession failed");
            assertThat(third.request(put)).startsWith("OK PROVE ");
            assertThat(third.request(put))
                    .as("the third challenge, abandoned, counts: no more")
                    .isEqualTo("OK SEND 0");
            third.sendRaw(known);
            assertThat(third.readLine()).startsWith("ERR 412 SHA-256 mismatch");
        }
        for (int session = 0; session < 4; session++) {
            try (LineClient c = loggedIn(server, user, password)) {
                for (int round = 0; round < 3; round++) {
                    assertThat(c.request(put)).isEqualTo("OK SEND 0");
                    c.sendRaw(known);
                    assertThat(c.readLine()).startsWith("ERR 412 ");
                }
                assertThat(c.request("STAT /stolen.bin")).startsWith("ERR 404 ");
            }
        }
    }

    @Test
    void byDefaultOnlyAUsersOwnContentIsInstantAndAllOffersAnyonesAndOffNone() throws Exception {
        Path data = TestServers.dataWithUsers(tmp, "ann", "a", 0, "bob", "b", 0);
        Path file = Files.write(tmp.resolve("f.bin"), content);
        String put = "PUT " + SIZE + " " + sha + " /copy.bin";
        try (PoolServer server = PoolServer.start(TestServers.config(data, 2).build())) {
            try (DiskClient ann =
                    DiskClient.connect("127.0.0.1", server.address().getPort())) {
                ann.login("ann", "a".toCharArray());
                ann.upload(file, "/f.bin", TransferListener.NONE);
            }
            try (LineClient bob = loggedIn(server.address(), "bob", "b");
                    LineClient ann = loggedIn(server.address(), "ann", "a")) {
                assertThat(bob.request(put))
                        .as("whether someone holds it is not told")
                        .isEqualTo("OK SEND 0");
                String nonce = ann.request(put).substring("OK PROVE ".length());
                assertThat(ann.request("HASH " + possessionProof(nonce, content)))
                        .startsWith("OK STORED F " + SIZE + " ");
            }
        }
        for (String policy : new String[] {"all", "off"}) {
            try (PoolDiskProcess serve = PoolDiskProcess.start(
                    tmp.resolve("logs-" + policy),
                    "serve",
                    "--port",
                    "0",
                    "--workers",
                    "1",
                    "--data",
                    data.toString(),
                    "--instant-upload",
                    policy)) {
                InetSocketAddress address = new InetSocketAddress(
                        "127.0.0.1",
                        serve.awaitListening(Duration.ofSeconds(60)).port());
                try (LineClient bob = loggedIn(address, "bob", "b");
                        LineClient ann = loggedIn(address, "ann", "a")) {
                    if (policy.equals("all")) {
                        assertThat(bob.request(put)).matches("OK PROVE [0-9a-f]{64}");
                        assertThat(ann.request(put)).matches("OK PROVE [0-9a-f]{64}");
                    } else {
                        assertThat(bob.request(put)).isEqualTo("OK SEND 0");
                        assertThat(ann.request(put)).isEqualTo("OK SEND 0");
                    }
                }
            }
        }
    }
}
