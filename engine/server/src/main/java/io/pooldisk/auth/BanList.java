package io.pooldisk.auth;

import io.pooldisk.disk.Database;
import io.pooldisk.disk.DiskException;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.protocol.ReplyCode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The ban list of a data directory, kept in its database: the administrator's bans (table {@code bans}) and the login
 * throttle's automatic ones ({@code login_failures}, shown here and lifted here, counted by {@link LoginThrottle}).
 * Expired bans are dropped whenever the list is read or changed. {@link #add} and {@link #remove} are the only
 * places the list changes, whichever way the administrator came (control socket, console, {@code pooldisk ban} on a
 * stopped server).
 */
public final class BanList {

    /** A reason travels on one control line; longer ones are cut, not refused. */
    public static final int MAX_REASON = 200;

    static final String AUTOMATIC_REASON = "too many failed logins";

    private final Database db;
    private final Clock clock;

    private BanList(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** The ban list of the data directory {@code store} has open. */
    public static BanList of(DiskStore store) {
        return of(store, Clock.systemUTC());
    }

    static BanList of(DiskStore store, Clock clock) {
        return new BanList(store.database(), clock);
    }

    /** Every ban in force, manual and automatic, the newest first. */
    public List<Ban> list() throws DiskException {
        long now = clock.millis();
        List<Ban> all = new ArrayList<>(manual());
        db.read(tx -> {
            tx.forEach(
                    "SELECT address, since, banned_until FROM login_failures WHERE banned_until > ?",
                    rs -> {
                        AddressRange range = AddressRange.ofAddress(rs.getString(1));
                        if (range != null) {
                            all.add(new Ban(
                                    range,
                                    AUTOMATIC_REASON,
                                    Instant.ofEpochMilli(rs.getLong(2)),
                                    Instant.ofEpochMilli(rs.getLong(3)),
                                    Ban.Source.AUTOMATIC));
                        }
                    },
                    now);
            return null;
        });
        all.sort(Comparator.comparing(Ban::since).reversed());
        return all;
    }

    /** The administrator's bans in force: the ones the master refuses connections for. */
    public List<Ban> manual() throws DiskException {
        long now = clock.millis();
        return db.write(tx -> {
            tx.update("DELETE FROM bans WHERE until IS NOT NULL AND until <= ?", now);
            return tx.list("SELECT network, reason, since, until FROM bans ORDER BY since DESC", BanList::manualBan);
        });
    }

    /**
     * Bans {@code range} for {@code length} from now (null: for good), replacing a ban on the same range. The one
     * place a ban is added (its callers write the audit log: PoolServer, or pooldisk ban with no server running).
     */
    public Ban add(AddressRange range, Duration length, String reason) throws DiskException {
        Instant now = clock.instant();
        if (length != null && (length.isNegative() || length.isZero())) {
            throw new DiskException(ReplyCode.BAD_REQUEST, "a ban must last longer than 0 s");
        }
        Ban ban = new Ban(range, cleanReason(reason), now, length == null ? null : now.plus(length), Ban.Source.MANUAL);
        db.write(tx -> tx.update(
                "INSERT INTO bans (network, reason, since, until) VALUES (?, ?, ?, ?) ON CONFLICT (network) DO "
                        + "UPDATE SET reason = excluded.reason, since = excluded.since, until = excluded.until",
                range.toString(),
                ban.reason(),
                now.toEpochMilli(),
                ban.until() == null ? null : ban.until().toEpochMilli()));
        return ban;
    }

    /**
     * Lifts the bans on exactly {@code range}, manual and automatic; for an address, its failed logins are forgotten
     * too, so its next login is allowed. The one place a ban is removed (audited as
     * {@link #add} is).
     *
     * @return whether there was anything to lift
     */
    public boolean remove(AddressRange range) throws DiskException {
        long now = clock.millis();
        return db.write(tx -> {
            int removed = tx.update("DELETE FROM bans WHERE network = ?", range.toString());
            // login_failures holds addresses as the workers wrote them: compare them parsed, not as text
            List<Failures> records = tx.list(
                    "SELECT address, banned_until FROM login_failures",
                    rs -> new Failures(rs.getString(1), rs.getLong(2)));
            for (Failures f : records) {
                if (range.equals(AddressRange.ofAddress(f.address()))) {
                    tx.update("DELETE FROM login_failures WHERE address = ?", f.address());
                    removed += f.bannedUntil() > now ? 1 : 0;
                }
            }
            return removed > 0;
        });
    }

    private record Failures(String address, long bannedUntil) {}

    private static Ban manualBan(ResultSet rs) throws SQLException {
        long until = rs.getLong(4);
        boolean permanent = rs.wasNull(); // before the other columns are read
        return new Ban(
                AddressRange.parse(rs.getString(1)),
                rs.getString(2),
                Instant.ofEpochMilli(rs.getLong(3)),
                permanent ? null : Instant.ofEpochMilli(until),
                Ban.Source.MANUAL);
    }

    /** One line of printable text: control characters would break the control socket's one-line answers. */
    private static String cleanReason(String reason) {
        String r = reason == null ? "" : reason.replaceAll("\\p{Cntrl}", " ").strip();
        return r.length() > MAX_REASON ? r.substring(0, MAX_REASON) : r;
    }
}
