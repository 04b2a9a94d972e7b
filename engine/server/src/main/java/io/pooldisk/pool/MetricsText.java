package io.pooldisk.pool;

import java.time.Instant;
import java.util.Locale;

/**
 * The text of {@code /metrics} (docs/METRICS.md): OpenMetrics 1.0.0, or the Prometheus text format 0.0.4 for a
 * scraper that does not ask for OpenMetrics. Built from a snapshot on the scraping thread, never on the master's loop.
 */
final class MetricsText {

    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(4096);
    private final boolean openMetrics;
    /** The family being written. */
    private String family;

    private MetricsText(boolean openMetrics) {
        this.openMetrics = openMetrics;
    }

    /** Whether a request's Accept header asks for OpenMetrics (null: no header). */
    static boolean wantsOpenMetrics(String accept) {
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text");
    }

    /** The page for {@code snapshot}, {@code wanted} workers configured, and the totals of {@code metrics}. */
    static String write(PoolSnapshot s, int wanted, PoolMetrics metrics, Instant now, boolean openMetrics) {
        MetricsText m = new MetricsText(openMetrics);
        m.family("pooldisk_workers", "gauge", "", "Worker processes by state.");
        for (WorkerState state : WorkerState.values()) {
            long n = s.workers().stream().filter(w -> w.state() == state).count();
            m.sample("", n, "state", state.name().toLowerCase(Locale.ROOT));
        }
        m.family("pooldisk_workers_configured", "gauge", "", "Worker processes the pool keeps running.");
        m.sample("", wanted);
        m.family("pooldisk_connections_accepted", "counter", "", "Connections accepted.");
        m.sample("_total", s.accepted());
        m.family("pooldisk_connections_refused", "counter", "", "Connections or requests turned away with ERR 503.");
        m.sample("_total", s.rejected());
        m.family("pooldisk_queue_length", "gauge", "", "Sessions with a command waiting for a worker now.");
        m.sample("", s.queuedNow());
        m.family("pooldisk_queue_length_max", "gauge", "", "Most sessions that ever waited for a worker at once.");
        m.sample("", s.maxQueued());
        m.family("pooldisk_sessions", "gauge", "", "Client sessions open.");
        m.sample("", s.sessions().size());
        m.family("pooldisk_workers_serving_max", "gauge", "", "Most workers ever serving sessions at once.");
        m.sample("", s.maxBusy());
        m.family("pooldisk_all_busy", "counter", "", "Times a session with a command found every worker busy.");
        m.sample("_total", s.allBusyCount());
        m.family("pooldisk_start_time_seconds", "gauge", "seconds", "When the server started, in Unix time.");
        m.sample("", s.startedAt().toEpochMilli() / 1000.0);
        m.family("pooldisk_uptime_seconds", "gauge", "seconds", "Seconds since the server started.");
        m.sample("", Math.max(0, now.toEpochMilli() - s.startedAt().toEpochMilli()) / 1000.0);
        m.family("pooldisk_worker_state", "gauge", "", "Each worker slot's process and its state (1).");
        for (WorkerInfo w : s.workers()) {
            m.sample(
                    "",
                    1,
                    "slot",
                    Integer.toString(w.slot()),
                    "pid",
                    Integer.toString(w.pid()),
                    "state",
                    w.state().name().toLowerCase(Locale.ROOT));
        }
        m.family("pooldisk_worker_requests", "counter", "", "Commands each worker process has served.");
        for (WorkerInfo w : s.workers()) {
            m.sample("_total", w.requests(), "slot", Integer.toString(w.slot()), "pid", Integer.toString(w.pid()));
        }
        m.family("pooldisk_worker_resident_memory_bytes", "gauge", "bytes", "Resident memory of each worker process.");
        for (WorkerInfo w : s.workers()) {
            m.sample("", w.rssBytes(), "slot", Integer.toString(w.slot()), "pid", Integer.toString(w.pid()));
        }
        m.family("pooldisk_commands", "counter", "", "Commands by verb and result (OK or the ERR code).");
        metrics.forEachCommandCount((verb, result, n) -> m.sample("_total", n, "verb", verb, "result", result));
        m.family("pooldisk_slow_commands", "counter", "", "Commands that took longer than a second.");
        m.sample("_total", s.slowCommands());
        m.family("pooldisk_received_bytes", "counter", "bytes", "Bytes received from clients.");
        m.sample("_total", s.bytesIn());
        m.family("pooldisk_sent_bytes", "counter", "bytes", "Bytes sent to clients.");
        m.sample("_total", s.bytesOut());
        m.family("pooldisk_login_failures", "counter", "", "Logins refused for their credentials.");
        m.sample("_total", metrics.loginFailures());
        m.family(
                "pooldisk_transfer_duration_seconds",
                "histogram",
                "seconds",
                "Durations of finished uploads and downloads, from the command to the last byte.");
        m.histogram(metrics.uploads(), "direction", "upload");
        m.histogram(metrics.downloads(), "direction", "download");
        if (openMetrics) {
            m.out.append("# EOF\n");
        }
        return m.out.toString();
    }

    /** Begins a family: HELP, TYPE and (OpenMetrics only) UNIT. */
    private void family(String name, String familyType, String unit, String help) {
        family = name;
        // Prometheus 0.0.4 names a counter's metadata as its samples, with _total.
        String metadataName = !openMetrics && familyType.equals("counter") ? name + "_total" : name;
        out.append("# HELP ").append(metadataName).append(' ').append(help).append('\n');
        out.append("# TYPE ")
                .append(metadataName)
                .append(' ')
                .append(familyType)
                .append('\n');
        if (openMetrics && !unit.isEmpty()) {
            out.append("# UNIT ").append(name).append(' ').append(unit).append('\n');
        }
    }

    private void histogram(PoolMetrics.Histogram.Snapshot h, String label, String value) {
        double[] bounds = h.bounds();
        long[] cumulative = h.cumulative();
        for (int i = 0; i < cumulative.length; i++) {
            String le = i < bounds.length ? Double.toString(bounds[i]) : "+Inf";
            sample("_bucket", cumulative[i], label, value, "le", le);
        }
        sample("_count", h.count(), label, value);
        sample("_sum", h.sum(), label, value);
    }

    private void sample(String suffix, long value, String... labels) {
        name(suffix, labels).append(value).append('\n');
    }

    private void sample(String suffix, double value, String... labels) {
        name(suffix, labels).append(Double.toString(value)).append('\n');
    }

    private StringBuilder name(String suffix, String... labels) {
        out.append(family).append(suffix);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels[i]).append("=\"");
                escape(labels[i + 1]);
                out.append('"');
            }
            out.append('}');
        }
        return out.append(' ');
    }

    /** A label value: backslash, double quote and line feed escaped, as both formats want. */
    private void escape(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }
}
