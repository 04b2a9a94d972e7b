package io.pooldisk.auth;

import static io.pooldisk.auth.AccountsTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.exception.ScramInvalidServerSignatureException;
import io.pooldisk.disk.DiskException;
import io.pooldisk.disk.DiskStore;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server against com.ongres.scram's client, as a real client would run it. */
class ScramServerTest {

    private static final Pattern SERVER_FIRST = Pattern.compile("r=([!-+--~]+),s=([A-Za-z0-9+/=]+),i=(\\d+)");

    @TempDir
    Path data;

    private DiskStore store;
    private ScramServer server;

    @BeforeEach
    void open() throws DiskException {
        store = DiskStore.open(data);
        Accounts.of(store).add("alice", "s3cret pässword".toCharArray(), 0);
        server = new ScramServer(Accounts.of(store));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static ScramClient client(String user, String password) {
        return ScramClient.builder()
                .advertisedMechanisms(List.of("SCRAM-SHA-256"))
                .username(user)
                .password(password.toCharArray())
                .build();
    }

    @Test
    void theRightPasswordLogsInAndTheServerProvesItself() throws Exception {
        ScramClient client = client("alice", "s3cret pässword");
        ScramServer.First first = server.first(client.clientFirstMessage().toString());
        client.serverFirstMessage(first.serverFirstMessage());
        // the second step in another worker process, with only the state carried over
        try (DiskStore other = DiskStore.open(data)) {
            ScramServer.Success ok = new ScramServer(Accounts.of(other))
                    .last(first.state(), client.clientFinalMessage().toString());
            assertThat(ok.user()).isEqualTo("alice");
            client.serverFinalMessage(ok.serverFinalMessage()); // throws unless the signature is right
        }
    }

    @Test
    void aWrongPasswordAndAnUnknownUserFailAlike() throws Exception {
        assertThatThrownBy(() -> login("alice", "wrong"))
                .isInstanceOf(DiskException.class)
                .hasMessage("authentication failed")
                .satisfies(e -> assertThat(((DiskException) e).code()).isEqualTo(401));
        assertThatThrownBy(() -> login("mallory", "anything"))
                .isInstanceOf(DiskException.class)
                .hasMessage("authentication failed")
                .satisfies(e -> assertThat(((DiskException) e).code()).isEqualTo(401));
    }

    @Test
    void anUnknownUsersServerFirstLooksLikeARealOne() throws Exception {
        Matcher real = serverFirst("alice");
        Matcher unknown = serverFirst("mallory");
        assertThat(unknown.group(2)).hasSameSizeAs(real.group(2));
        assertThat(unknown.group(3)).isEqualTo(real.group(3));
        assertThat(unknown.group(1)).hasSameSizeAs(real.group(1));
        // stable like a real salt, across calls and processes
        assertThat(serverFirst("mallory").group(2)).isEqualTo(unknown.group(2));
        assertThat(serverFirst("alice").group(2)).isEqualTo(real.group(2));
        assertThat(serverFirst("eve").group(2)).isNotEqualTo(unknown.group(2));
        try (DiskStore other = DiskStore.open(data)) {
            server = new ScramServer(Accounts.of(other));
            assertThat(serverFirst("mallory").group(2)).isEqualTo(unknown.group(2));
        }
    }

    @Test
    void aChangedPasswordTakesEffect() throws Exception {
        Accounts.of(store).setPassword("alice", "new one".toCharArray());
        assertCode(401, () -> login("alice", "s3cret pässword"));
        assertThat(login("alice", "new one")).isEqualTo("alice");
    }

    @Test
    void refusesMalformedMessages() throws Exception {
        assertCode(400, () -> server.first("hello"));
        assertCode(400, () -> server.first(""));
        assertCode(400, () -> server.first("p=tls-server-end-point,,n=alice,r=abc"));
        assertCode(400, () -> server.first("n,a=bob,n=alice,r=abc"));
        ScramServer.First first = server.first("n,,n=alice,r=abc");
        assertCode(400, () -> server.last(first.state(), "garbage"));
        assertCode(400, () -> server.last(first.state(), "c=biws,r=x,p=***"));
        assertCode(400, () -> server.last("not a state", "c=biws,r=x,p=AAAA"));
        assertCode(401, () -> server.last(first.state(), "c=biws,r=abc,p=AAAA"));
    }

    @Test
    void namesThatSaslPrepEmptiesOrRefusesAre400NotACrash() {
        // U+00AD (soft hyphen) maps to nothing: the SCRAM library's own parser throws ArrayIndexOutOfBoundsException
        for (String name : new String[] {"\u00ad", "\u00ad\u200b\u00ad", "\u034f"}) {
            assertThatThrownBy(() -> server.first("n,,n=" + name + ",r=abc"))
                    .isInstanceOf(DiskException.class)
                    .hasMessage("the user name is empty after SASLprep");
        }
        assertCode(400, () -> server.first("n,,n=,r=abc"));
        for (String name : new String[] {"a\u0000b", "a\u0007", "\u05d0a" /* bidi: RandALCat with L */}) {
            assertThatThrownBy(() -> server.first("n,,n=" + name + ",r=abc"))
                    .isInstanceOf(DiskException.class)
                    .hasMessageContaining("SASLprep refuses");
        }
        assertCode(400, () -> server.first("n,,n=a=2Cb,r=abc")); // no user name has ',' or '='
        assertCode(400, () -> server.first("n,,n=bob smith,r=abc"));
        assertCode(400, () -> server.first("n,,n=" + "a".repeat(65) + ",r=abc"));
    }

    @Test
    void saslPrepMapsANameToTheAccountItNames() throws Exception {
        // full-width letters are NFKC-normalised, a soft hyphen dropped: both name alice
        String alice = server.first("n,,n=alice,r=abc").serverFirstMessage();
        String mapped = server.first("n,,n=\uff41li\u00adce,r=abc").serverFirstMessage();
        assertThat(salt(mapped)).isEqualTo(salt(alice));
    }

    @Test
    void theClientFirstMessageAndItsNonceAreBounded() throws Exception {
        String nonce = "x".repeat(ScramServer.MAX_NONCE);
        assertThat(server.first("n,,n=alice,r=" + nonce).serverFirstMessage()).startsWith("r=" + nonce);
        assertCode(400, () -> server.first("n,,n=alice,r=" + nonce + "x"));
        assertCode(400, () -> server.first("n,,n=alice,r=" + "\ufffd".repeat(6100))); // the 0xFF bytes, decoded
        assertCode(400, () -> server.first("n,,n=alice,r=ab\u0001c"));
        assertCode(400, () -> server.first("n,,n=alice,r="));
        assertCode(400, () -> server.first("n,,n=alice,r=abc," + "e=".repeat(ScramServer.MAX_CLIENT_FIRST)));
        assertThat(server.first("n,,n=alice,r=abc,e=ignored").state().length()).isLessThan(1000);
        assertCode(400, () -> server.first("n,,m=mandatory,n=alice,r=abc"));
        assertCode(400, () -> server.first("n,"));
        assertCode(400, () -> server.first("n,,"));
        assertCode(400, () -> server.first("n,,r=abc,n=alice"));
    }

    @Test
    void aYFlagLogsInWithItsOwnChannelBindingAttribute() throws Exception {
        String bare = "n=alice,r=abc";
        ScramServer.First first = server.first("y,," + bare);
        String withoutProof =
                "c=eSws,r=" + first.serverFirstMessage().split(",")[0].substring(2);
        assertThat(server.last(
                                first.state(),
                                withoutProof + ",p=" + proof("s3cret pässword", bare, first, withoutProof))
                        .user())
                .isEqualTo("alice");
        ScramServer.First again = server.first("y,," + bare);
        String wrongBinding =
                "c=biws,r=" + again.serverFirstMessage().split(",")[0].substring(2);
        assertCode(
                401,
                () -> server.last(
                        again.state(), wrongBinding + ",p=" + proof("s3cret pässword", bare, again, wrongBinding)));
    }

    @Test
    void theServerSignatureFailsForAnImpostorServer() throws Exception {
        ScramClient client = client("alice", "s3cret pässword");
        ScramServer.First first = server.first(client.clientFirstMessage().toString());
        client.serverFirstMessage(first.serverFirstMessage());
        client.clientFinalMessage();
        assertThatThrownBy(() -> client.serverFinalMessage("v=" + "A".repeat(43) + "="))
                .isInstanceOf(ScramInvalidServerSignatureException.class);
    }

    private String login(String user, String password) throws Exception {
        ScramClient client = client(user, password);
        ScramServer.First first = server.first(client.clientFirstMessage().toString());
        client.serverFirstMessage(first.serverFirstMessage());
        ScramServer.Success ok =
                server.last(first.state(), client.clientFinalMessage().toString());
        client.serverFinalMessage(ok.serverFinalMessage());
        return ok.user();
    }

    private static String salt(String serverFirst) {
        return serverFirst.split(",")[1];
    }

    /** The client's proof, computed as RFC 5802 says (the library's client only sends "n,,"). */
    private static String proof(String password, String bare, ScramServer.First first, String withoutProof) {
        String[] attrs = first.serverFirstMessage().split(",");
        byte[] salted = com.ongres.scram.common.ScramFunctions.saltedPassword(
                Credentials.MECHANISM,
                com.ongres.scram.common.StringPreparation.SASL_PREPARATION,
                password.toCharArray(),
                java.util.Base64.getDecoder().decode(attrs[1].substring(2)),
                Integer.parseInt(attrs[2].substring(2)));
        byte[] clientKey = com.ongres.scram.common.ScramFunctions.clientKey(Credentials.MECHANISM, salted);
        byte[] signature = com.ongres.scram.common.ScramFunctions.clientSignature(
                Credentials.MECHANISM,
                com.ongres.scram.common.ScramFunctions.storedKey(Credentials.MECHANISM, clientKey),
                bare + "," + first.serverFirstMessage() + "," + withoutProof);
        return java.util.Base64.getEncoder()
                .encodeToString(com.ongres.scram.common.ScramFunctions.clientProof(clientKey, signature));
    }

    private Matcher serverFirst(String user) throws DiskException {
        String message =
                server.first(client(user, "x").clientFirstMessage().toString()).serverFirstMessage();
        Matcher m = SERVER_FIRST.matcher(message);
        assertThat(m.matches()).as(message).isTrue();
        return m;
    }
}
