package io.pooldisk.unix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** An owned descriptor: closed once however often it is closed, and its number not used after that. */
class FileDescriptorTest {

    @Test
    void closingTwiceClosesOnce() throws Exception {
        FileDescriptor[] pipe = FileDescriptor.pipe(4096);
        int number = pipe[0].intValue();
        pipe[0].close();
        assertThat(pipe[0].isOpen()).isFalse();
        assertThat(Files.exists(Path.of("/proc/self/fd/" + number))).isFalse();

        // The kernel hands the freed number out again; a second close must not close the new owner's file.
        try (FileDescriptor reused = FileDescriptor.openForReading(Path.of("/dev/null"))) {
            assumeThat(reused.intValue()).isEqualTo(number); // another thread may have taken it first
            pipe[0].close();
            assertThat(Files.exists(Path.of("/proc/self/fd/" + number))).isTrue();
            assertThat(reused.isOpen()).isTrue();
        } finally {
            pipe[1].close();
        }
    }

    @Test
    void useAfterCloseIsRefusedByName() throws Exception {
        FileDescriptor fd = FileDescriptor.openForReading(Path.of("/dev/null"));
        int number = fd.intValue();
        fd.close();
        assertThatThrownBy(fd::intValue)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("file descriptor " + number + " used after it was closed");
        assertThat(fd).hasToString("fd " + number + " (closed)");
    }

    @Test
    void closeIfAnyTakesNull() throws Exception {
        FileDescriptor.closeIfAny(null);
        FileDescriptor fd = FileDescriptor.memfd("pooldisk-test");
        FileDescriptor.closeIfAny(fd);
        assertThat(fd.isOpen()).isFalse();
    }

    @Test
    void aNegativeNumberIsNoDescriptor() {
        assertThatThrownBy(() -> new FileDescriptor(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFileThatIsNotThereFailsWithItsErrno() {
        assertThatThrownBy(() -> FileDescriptor.openForReading(Path.of("/nonexistent/pooldisk")))
                .isInstanceOfSatisfying(
                        NativeException.class, e -> assertThat(e.errno()).isEqualTo(Errors.ENOENT))
                .hasMessage("open /nonexistent/pooldisk: No such file or directory (errno 2)");
    }
}
