package io.pooldisk.disk;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One thing done to every block of an upload (hash it, write it), in order, on a thread of its own, so that it goes
 * on while the next blocks are received. After a failure it only releases the blocks it is given; the failure is
 * reported to whoever asks.
 */
abstract class BlockStage {

    private final BlockingQueue<Block> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile IOException failure;
    private boolean ended;

    BlockStage(String name) {
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    /** Starts the thread; subclasses call it last in their constructor. */
    final void start() {
        thread.start();
    }

    abstract void process(Block block) throws IOException;

    final void submit(Block block) {
        queue.add(block);
    }

    /** The first failure, or null. */
    final IOException failure() {
        return failure;
    }

    /** Processes every block submitted, then ends the thread. Idempotent. */
    final void drain() {
        if (!ended) {
            ended = true;
            queue.add(Block.END);
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true; // the blocks must come back before the caller may reuse them
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (true) {
            Block block;
            try {
                block = queue.take();
            } catch (InterruptedException e) {
                continue; // nobody interrupts this thread on purpose; END ends it
            }
            if (block == Block.END) {
                return;
            }
            if (failure == null) {
                try {
                    process(block);
                } catch (IOException e) {
                    failure = e;
                } catch (RuntimeException e) {
                    failure = new IOException(e);
                }
            }
            block.release();
        }
    }
}
