package io.pooldisk.clientgui;

import io.pooldisk.client.ConnectionException;
import io.pooldisk.client.DiskClient;
import io.pooldisk.client.DiskClientException;
import io.pooldisk.client.KnownServers;
import io.pooldisk.client.TlsOptions;
import io.pooldisk.client.UntrustedCertificateException;
import io.pooldisk.protocol.ReplyCode;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The client's connection to one server: who to connect as, and the connection used to browse and echo, which lives
 * on a thread of its own. A connection that drops is opened again (with a back-off) and the command that noticed it
 * runs again when repeating it is harmless. Transfers open connections of their own with {@link #openClient}.
 * Properties change on the UI executor only.
 */
public final class ClientSession implements AutoCloseable {

    public enum State {
        DISCONNECTED,
        CONNECTING,
        CONNECTED,
        RECONNECTING
    }

    /** One command to run with the session's connection. */
    @FunctionalInterface
    public interface Command<T> {
        T run(DiskClient client) throws IOException;
    }

    /** Who on which server: what a transfer belongs to. */
    public record Account(String host, int port, String user) {
        /** user@host:port, or host:port without a user. */
        public String label() {
            return (user.isEmpty() ? "" : user + "@") + host + ":" + port;
        }
    }

    /**
     * Asked, on the UI executor, whether to trust a server's TLS certificate that nobody vouches for: shows its
     * fingerprint and answers the person's choice. A changed certificate is never asked about: it is refused.
     */
    @FunctionalInterface
    public interface CertificateQuestion {
        boolean trust(UntrustedCertificateException certificate);
    }

    /**
     * Where to connect and as whom; {@code user} empty for a connection that only echoes; {@code tls}: through a
     * TLS-terminating proxy.
     */
    record Target(String host, int port, String user, char[] password, boolean tls) {
        boolean anonymous() {
            return user.isEmpty();
        }

        String label() {
            return account().label();
        }

        Account account() {
            return new Account(host, port, user);
        }
    }

    /** Pauses between attempts to reconnect, in milliseconds. */
    static final long[] BACK_OFF = {0, 250, 500, 1000, 2000, 4000, 8000};

    /** How often an idle connection is looked at for a close by the server, in milliseconds. */
    static final long WATCH_MILLIS = 1000;

    private final Executor ui;
    private final Notifier notifier;
    private final RecentServers recents;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "pooldisk-session");
        t.setDaemon(true);
        return t;
    });
    /** Looks once a second whether the server closed the connection, so the status says so without a command. */
    private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread t = new Thread(task, "pooldisk-session-watch");
        t.setDaemon(true);
        return t;
    });

    private final ObjectProperty<State> state = new SimpleObjectProperty<>(this, "state", State.DISCONNECTED);
    private final StringProperty status = new SimpleStringProperty(this, "status", "Not connected");
    private final StringProperty user = new SimpleStringProperty(this, "user", "");
    private final List<Runnable> onConnected = new CopyOnWriteArrayList<>();
    private final List<Runnable> onDisconnected = new CopyOnWriteArrayList<>();

    private volatile Target target;
    private volatile CertificateQuestion certificateQuestion = certificate -> false;
    private volatile KnownServers knownServers = KnownServers.ofUser();
    private volatile int generation;
    /** The browsing connection: touched on {@link #thread} only. */
    private DiskClient client;

    /**
     * @param ui       runs property changes: {@code Platform::runLater} in the application, {@code Runnable::run} in a
     *                 test without a UI thread
     * @param notifier where failures are told
     * @param recents  where a successful connection is remembered, or null
     */
    public ClientSession(Executor ui, Notifier notifier, RecentServers recents) {
        this(ui, notifier, recents, WATCH_MILLIS);
    }

    /** {@code watchMillis}: how often an idle connection is checked for the server having closed it. */
    ClientSession(Executor ui, Notifier notifier, RecentServers recents, long watchMillis) {
        this.ui = ui;
        this.notifier = notifier;
        this.recents = recents;
        watch.scheduleWithFixedDelay(
                () -> {
                    if (target != null) {
                        thread.execute(this::noticeServerClose);
                    }
                },
                watchMillis,
                watchMillis,
                TimeUnit.MILLISECONDS);
    }

    /** On the session thread: when the idle connection was closed by the server, the session is disconnected. */
    private void noticeServerClose() {
        Target t = target;
        if (t == null || client == null || !client.closedByServer()) {
            return;
        }
        int gen = ++generation;
        target = null;
        closeClient();
        ui.execute(() -> {
            if (gen == generation) {
                user.set("");
                setState(State.DISCONNECTED, "Disconnected: the server closed the session with " + t.label());
                onDisconnected.forEach(Runnable::run);
            }
        });
    }

    // ---------------------------------------------------------------- connecting

    /**
     * Connects to host:port and logs in as {@code user} ({@code user} empty: connects without logging in, enough to
     * echo). Replaces any earlier connection. The password stays in memory for reconnects, never on disk.
     */
    public void connect(String host, int port, String user, char[] password) {
        connect(host, port, user, password, false);
    }

    /** As {@link #connect(String, int, String, char[])}, over TLS when {@code tls}. */
    public void connect(String host, int port, String user, char[] password, boolean tls) {
        Target next =
                new Target(host.strip(), port, user.strip(), password == null ? new char[0] : password.clone(), tls);
        int gen = ++generation;
        setState(State.CONNECTING, "Connecting to " + next.label() + "…");
        thread.execute(() -> {
            if (gen != generation) {
                return;
            }
            closeClient();
            try {
                client = open(next);
            } catch (IOException | RuntimeException e) {
                if (gen == generation) {
                    target = null;
                    String why = Errors.connecting(e, next.host(), next.port());
                    ui.execute(() -> {
                        this.user.set("");
                        setState(State.DISCONNECTED, why);
                        notifier.error(why);
                    });
                }
                return;
            }
            if (gen != generation) { // disconnected, or connected elsewhere, meanwhile
                closeClient();
                return;
            }
            target = next;
            if (recents != null) {
                recents.remember(new RecentServers.Server(next.host(), next.port(), next.user(), next.tls()));
            }
            ui.execute(() -> {
                this.user.set(next.user());
                setState(State.CONNECTED, connectedText(next));
                onConnected.forEach(Runnable::run);
            });
        });
    }

    /** Ends the connection and forgets the password; transfers in flight are stopped by their queue. */
    public void disconnect() {
        ++generation;
        target = null;
        thread.execute(this::quitClient);
        user.set("");
        setState(State.DISCONNECTED, "Not connected");
        onDisconnected.forEach(Runnable::run);
    }

    /**
     * A new connection for a transfer, which needs one of its own, logged in as {@code owner}: the account that
     * started the transfer, which must still be the session's.
     *
     * @throws Errors.OtherAccountException when the session is logged in as someone else now
     */
    public DiskClient openClient(Account owner) throws IOException {
        Target t = target;
        if (t == null || owner == null) {
            throw new Errors.NotConnectedException();
        }
        if (!t.account().equals(owner)) {
            throw new Errors.OtherAccountException(owner, t.account());
        }
        return open(t);
    }

    /** The account the session is connected as, or null when not connected. */
    public Account account() {
        Target t = target;
        return t == null ? null : t.account();
    }

    /** Who decides on a TLS certificate nobody vouches for (default: nobody, so it is refused). */
    public void setCertificateQuestion(CertificateQuestion question) {
        certificateQuestion = question;
    }

    /** Where certificates trusted on first use are kept (default: the user's known_servers). */
    public void setKnownServers(KnownServers known) {
        knownServers = known;
    }

    private DiskClient open(Target t) throws IOException {
        DiskClient c = t.tls() ? openTls(t) : DiskClient.connect(t.host(), t.port());
        try {
            if (!t.anonymous()) {
                c.login(t.user(), t.password());
            }
            return c;
        } catch (IOException | RuntimeException e) {
            try {
                c.close();
            } catch (IOException ignored) {
                // failing already
            }
            throw e;
        }
    }

    /**
     * Over TLS: a certificate the JDK's trust store does not vouch for, nor known_servers, is shown to the person by
     * its fingerprint ({@link CertificateQuestion}, on the UI executor, while this thread waits); once trusted, it is
     * remembered. A certificate that changed since it was trusted is refused with the warning.
     */
    private DiskClient openTls(Target t) throws IOException {
        KnownServers known = knownServers;
        TlsOptions options = new TlsOptions(null, known);
        try {
            return DiskClient.connect(t.host(), t.port(), options);
        } catch (UntrustedCertificateException e) {
            if (e.changed()) {
                throw e;
            }
            CompletableFuture<Boolean> answer = new CompletableFuture<>();
            ui.execute(() -> {
                try {
                    answer.complete(certificateQuestion.trust(e));
                } catch (RuntimeException failed) {
                    answer.completeExceptionally(failed);
                }
            });
            boolean trusted;
            try {
                trusted = answer.get();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new ConnectionException("not connected: interrupted", interrupted);
            } catch (java.util.concurrent.ExecutionException failed) {
                throw new ConnectionException("not connected: " + failed.getCause(), failed.getCause());
            }
            if (!trusted) {
                throw new ConnectionException("not connected: the TLS certificate of " + e.server() + " ("
                        + e.fingerprint() + ") was not trusted");
            }
            known.remember(e.server(), e.fingerprint());
            return DiskClient.connect(t.host(), t.port(), options);
        }
    }

    // ---------------------------------------------------------------- commands

    /**
     * Runs {@code command} on the session's thread with its connection; then {@code done} or {@code failed} on the UI
     * executor. When the connection turns out to have dropped, connects again; {@code repeatable} commands (reading,
     * echo) then run again, others report the drop so the person can look before doing it again.
     */
    public <T> void run(Command<T> command, boolean repeatable, Consumer<T> done, Consumer<IOException> failed) {
        thread.execute(() -> {
            int gen = generation;
            Target t = target;
            try {
                if (t == null) {
                    throw new Errors.NotConnectedException();
                }
                if (client == null) {
                    client = open(t);
                }
                T result = command.run(client);
                ui.execute(() -> done.accept(result));
            } catch (IOException e) {
                if (t == null || !Errors.dropped(e) || gen != generation) {
                    ui.execute(() -> failed.accept(e));
                    return;
                }
                closeClient();
                if (!reconnect(t, gen)) {
                    ui.execute(() -> failed.accept(e));
                    return;
                }
                if (!repeatable) {
                    ui.execute(() -> failed.accept(new DiskClientException(
                            0,
                            "the connection dropped during the command and was opened again; "
                                    + "look whether it was done, then try again if not")));
                    return;
                }
                try {
                    T result = command.run(client);
                    ui.execute(() -> done.accept(result));
                } catch (IOException again) {
                    ui.execute(() -> failed.accept(again));
                }
            } catch (RuntimeException e) {
                ui.execute(() -> failed.accept(new IOException(e.toString(), e)));
            }
        });
    }

    /** On the session thread: opens the connection again, backing off; false when it gave up. */
    private boolean reconnect(Target t, int gen) {
        ui.execute(() -> setState(State.RECONNECTING, "Connection lost; reconnecting to " + t.label() + "…"));
        IOException last = null;
        for (long pause : BACK_OFF) {
            if (gen != generation) {
                return false;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            try {
                client = open(t);
                if (gen != generation) {
                    closeClient();
                    return false;
                }
                ui.execute(() -> setState(State.CONNECTED, connectedText(t) + " (reconnected)"));
                return true;
            } catch (IOException e) {
                last = e;
                if (e instanceof DiskClientException d && d.is(ReplyCode.UNAUTHORIZED, ReplyCode.TOO_MANY_REQUESTS)) {
                    break; // the password stopped working: trying again will not help
                }
            }
        }
        if (gen == generation) {
            target = null;
            String why = "Could not reconnect: " + Errors.connecting(last, t.host(), t.port());
            ui.execute(() -> {
                user.set("");
                setState(State.DISCONNECTED, why);
                notifier.error(why);
                onDisconnected.forEach(Runnable::run);
            });
        }
        return false;
    }

    /** Without the address: the server and port fields beside it show it, and the bar has no room to spare. */
    private static String connectedText(Target t) {
        String how = "Connected" + (t.tls() ? " over TLS" : "");
        return t.anonymous() ? how + " (echo only)" : how + " as " + t.user();
    }

    /** The status first: whoever sees the new state (the status dot's listener, a test) also sees its status. */
    private void setState(State s, String text) {
        status.set(text);
        state.set(s);
    }

    private void quitClient() {
        if (client != null) {
            try {
                client.quit();
            } catch (IOException gone) {
                // it is closed either way
            }
            client = null;
        }
    }

    private void closeClient() {
        if (client != null) {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing
            }
            client = null;
        }
    }

    // ---------------------------------------------------------------- observing

    public ReadOnlyObjectProperty<State> stateProperty() {
        return state;
    }

    public State state() {
        return state.get();
    }

    /** What the session is doing, in a sentence. */
    public ReadOnlyStringProperty statusProperty() {
        return status;
    }

    /** The user logged in, "" when none. */
    public ReadOnlyStringProperty userProperty() {
        return user;
    }

    public boolean loggedIn() {
        return !user.get().isEmpty() && (state.get() == State.CONNECTED || state.get() == State.RECONNECTING);
    }

    /** Runs on the UI executor after each successful {@link #connect}. */
    public void onConnected(Runnable r) {
        onConnected.add(r);
    }

    /** Runs on the UI executor after a disconnect, asked for or given up on. */
    public void onDisconnected(Runnable r) {
        onDisconnected.add(r);
    }

    /** Says QUIT and ends the session's thread. */
    @Override
    public void close() {
        ++generation;
        Target t = target;
        target = null;
        if (t != null) {
            Arrays.fill(t.password(), '\0');
        }
        thread.execute(this::quitClient);
        thread.shutdown();
        watch.shutdownNow();
    }
}
