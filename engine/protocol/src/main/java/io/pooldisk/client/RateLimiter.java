package io.pooldisk.client;

import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket that keeps a transfer to a number of bytes a second on the wire: {@link DiskClient} asks it before
 * each piece it sends or reads, and the piece is no larger than the bucket holds. The bucket holds a tenth of a
 * second's worth, so the rate over any second stays within a tenth of the limit. The rate is read at each piece and
 * may change meanwhile; 0 or less means no limit. Shared by several transfers, it limits their sum.
 */
public final class RateLimiter {

    /** The bucket holds this fraction of a second's bytes: the largest piece, and the largest burst. */
    private static final long PIECES_PER_SECOND = 10;

    private final LongSupplier bytesPerSecond;
    private double tokens = -1; // full, once the rate is known
    private long refilledAt;

    /** A limiter reading its rate from {@code bytesPerSecond} (0 or less: no limit) before each piece. */
    public RateLimiter(LongSupplier bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    /** A limiter at a fixed rate (0 or less: no limit). */
    public static RateLimiter perSecond(long bytesPerSecond) {
        return new RateLimiter(() -> bytesPerSecond);
    }

    /** Bytes a second now; 0 or less for no limit. */
    public long rate() {
        return bytesPerSecond.getAsLong();
    }

    /**
     * Waits until a piece of up to {@code wanted} bytes may go, and takes it from the bucket.
     *
     * @return the piece's size: {@code wanted} when unlimited, else at most a tenth of a second's worth, at least 1
     * @throws InterruptedIOException when the thread is interrupted while waiting
     */
    public synchronized long acquire(long wanted) throws InterruptedIOException {
        if (wanted <= 0) {
            return 0;
        }
        while (true) {
            long rate = rate();
            if (rate <= 0) {
                tokens = -1;
                return wanted;
            }
            double capacity = Math.max(1, rate / PIECES_PER_SECOND);
            long piece = (long) Math.min(wanted, capacity);
            long now = System.nanoTime();
            if (tokens < 0) {
                tokens = capacity;
            } else {
                tokens = Math.min(capacity, tokens + (now - refilledAt) * rate / 1e9);
            }
            refilledAt = now;
            if (tokens >= piece) {
                tokens -= piece;
                return piece;
            }
            long wait = (long) Math.ceil((piece - tokens) * 1e9 / rate);
            try {
                TimeUnit.NANOSECONDS.sleep(Math.max(wait, 1_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while keeping to the speed limit");
            }
        }
    }

    /** Puts back bytes {@link #acquire} gave that did not move (a read that returned fewer). */
    public synchronized void refund(long unused) {
        if (unused > 0 && tokens >= 0) {
            long rate = rate();
            tokens = rate <= 0 ? -1 : Math.min(Math.max(1, rate / PIECES_PER_SECOND), tokens + unused);
        }
    }
}
