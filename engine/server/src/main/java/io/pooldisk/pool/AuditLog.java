package io.pooldisk.pool;

import io.pooldisk.disk.OwnerOnly;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * {@code audit.log} in the data directory: one {@link AuditRecord} a line, as JSON, owner-only, rotated by size.
 *
 * <p>In the server, records are queued (bounded, never blocking: the master's loop hands them over) and written by
 * a thread of its own, so the loop never waits on the disk; each also goes to the pool's listeners as an
 * {@link PoolEvent.Kind#AUDIT} event. Another process ({@code pooldisk user}, the console with no server running)
 * appends with {@link #append(Path, AuditRecord)}.
 */
public final class AuditLog implements AutoCloseable {

    private static final int CAPACITY = 10_000;
    /** In the queue: reopen the file (SIGUSR1). */
    private static final AuditRecord REOPEN = AuditRecord.of("(reopen)").build();
    /** In the queue: write what is before it, then stop. */
    private static final AuditRecord END = AuditRecord.of("(end)").build();

    private final RotatingFile file;
    private final Consumer<PoolEvent> events;
    private final BlockingQueue<AuditRecord> queue = new LinkedBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private boolean failing;

    /** {@code events}: where each record goes as an AUDIT event, and what goes wrong as a WARN. */
    AuditLog(RotatingFile file, Consumer<PoolEvent> events) {
        this.file = file;
        this.events = events;
        this.thread = new Thread(this::writeAll, "pooldisk-audit");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues {@code record} for the file and tells the listeners. Never blocks: safe on the master's loop. */
    void record(AuditRecord record) {
        if (!queue.offer(record)) {
            dropped.incrementAndGet(); // said in the file and the log once the writer catches up
        }
        events.accept(new PoolEvent(record.time(), PoolEvent.Level.INFO, PoolEvent.Kind.AUDIT, record.summary()));
    }

    /** Closes the file and opens a new one at its path, as SIGUSR1 asks after logrotate renamed it. */
    void reopen() {
        if (!queue.offer(REOPEN)) {
            dropped.incrementAndGet();
        }
    }

    /** Writes what is queued, then stops the writer. */
    @Override
    public void close() {
        try {
            if (queue.offer(END, 2, TimeUnit.SECONDS)) {
                thread.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // The writer thread.

    private void writeAll() {
        try {
            while (true) {
                AuditRecord r = queue.take();
                if (r == END) {
                    return;
                }
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    write(AuditRecord.of("audit")
                            .failure(lost + " audit records dropped: the writer could not keep up")
                            .build());
                }
                if (r == REOPEN) {
                    reopenFile();
                } else {
                    write(r);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            file.close();
        }
    }

    private void write(AuditRecord r) {
        try {
            file.append(r.toJson());
            failing = false;
        } catch (IOException e) {
            failed(e);
        }
    }

    private void reopenFile() {
        try {
            file.reopen();
            failing = false;
        } catch (IOException e) {
            failed(e);
        }
    }

    /** Said once until a write works again: a full disk would otherwise say it for every record. */
    private void failed(IOException e) {
        if (!failing) {
            failing = true;
            String message = "cannot write " + file.path() + ": " + e.getMessage();
            System.err.println("pooldisk: " + message);
            events.accept(new PoolEvent(Instant.now(), PoolEvent.Level.WARN, PoolEvent.Kind.SERVER, message));
        }
    }

    /**
     * Appends {@code record} to {@code audit.log} in {@code dataDir} from a process other than the server's (the
     * {@code pooldisk user} command), whether or not a server runs.
     *
     * <p>Safe beside the server's writer: both open the file with O_APPEND and write each line with one write(2), so
     * the kernel puts each line whole at the end of the file, never into the middle of the other's (appends to a
     * regular file are atomic with respect to each other on Linux). If the server rotates the file at that moment,
     * this line lands whole in {@code audit.log.1} or in the new {@code audit.log}; none is lost. This side never
     * rotates: a few lines per account change cannot grow the file much, and the server rotates at its next record.
     */
    public static void append(Path dataDir, AuditRecord record) throws IOException {
        Path path = DataDirs.auditLog(dataDir);
        ByteBuffer line = ByteBuffer.wrap((record.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
        try (FileChannel channel = FileChannel.open(
                path,
                java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
                OwnerOnly.fileMode())) {
            while (line.hasRemaining()) {
                channel.write(line);
            }
        }
    }
}
