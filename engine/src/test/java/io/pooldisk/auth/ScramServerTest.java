package io.pooldisk.auth;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.exception.ScramInvalidServerSignatureException;
import io.pooldisk.disk.DiskException;
import io.pooldisk.disk.DiskStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.pooldisk.auth.AccountsTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        store.accounts().add("alice", "s3cret pässword".toCharArray(), 0);
        server = new ScramServer(store.accounts());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static ScramClient client(String user, String password) {
        return ScramClient.builder().advertisedMechanisms(List.of("SCRAM-SHA-256")).username(user)
                .password(password.toCharArray()).build();
    }

    @Test
    void theRightPasswordLogsInAndTheServerProvesItself() throws Exception {
        ScramClient client = client("alice", "s3cret pässword");
        ScramServer.First first = server.first(client.clientFirstMessage().toString());
        client.serverFirstMessage(first.serverFirstMessage());
        // the second step in another worker process, with only the state carried over
        try (DiskStore other = DiskStore.open(data)) {
            ScramServer.Success ok = new ScramServer(other.accounts()).last(first.state(),
                    client.clientFinalMessage().toString());
            assertThat(ok.user()).isEqualTo("alice");
            client.serverFinalMessage(ok.serverFinalMessage()); // throws unless the signature is right
        }
    }

    @Test
    void aWrongPasswordAndAnUnknownUserFailAlike() throws Exception {
        assertThatThrownBy(() -> login("alice", "wrong")).isInstanceOf(DiskException.class)
                .hasMessage("authentication failed").satisfies(e -> assertThat(((DiskException) e).code())
                        .isEqualTo(401));
        assertThatThrownBy(() -> login("mallory", "anything")).isInstanceOf(DiskException.class)
                .hasMessage("authentication failed").satisfies(e -> assertThat(((DiskException) e).code())
                        .isEqualTo(401));
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
            server = new ScramServer(other.accounts());
            assertThat(serverFirst("mallory").group(2)).isEqualTo(unknown.group(2));
        }
    }

    @Test
    void aChangedPasswordTakesEffect() throws Exception {
        store.accounts().setPassword("alice", "new one".toCharArray());
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
        ScramServer.Success ok = server.last(first.state(), client.clientFinalMessage().toString());
        client.serverFinalMessage(ok.serverFinalMessage());
        return ok.user();
    }

    private Matcher serverFirst(String user) throws DiskException {
        String message = server.first(client(user, "x").clientFirstMessage().toString()).serverFirstMessage();
        Matcher m = SERVER_FIRST.matcher(message);
        assertThat(m.matches()).as(message).isTrue();
        return m;
    }
}
