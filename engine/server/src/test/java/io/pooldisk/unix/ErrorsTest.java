package io.pooldisk.unix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** errno: how a failed call becomes an exception, and which failures are made again. */
class ErrorsTest {

    @Test
    void aFailedCallThrowsItsNameAndErrno() {
        assertThatThrownBy(() -> DescriptorIo.read(-1, ByteBuffer.allocateDirect(8)))
                .isInstanceOfSatisfying(
                        NativeException.class, e -> assertThat(e.errno()).isEqualTo(Errors.EBADF))
                .hasMessage("read: Bad file descriptor (errno 9)");
        assertThatThrownBy(() -> Errors.check("close", Native.C.close(-1)))
                .isInstanceOfSatisfying(
                        NativeException.class, e -> assertThat(e.errno()).isEqualTo(Errors.EBADF));
    }

    @Test
    void aResultIsPassedOn() throws NativeException {
        assertThat(Errors.check("getpid", 42)).isEqualTo(42);
        assertThat(Errors.orThrow("read", 0)).isZero();
    }

    @Test
    void anInterruptedCallIsMadeAgain() {
        int[] calls = {0};
        long result = Errors.restarting(
                (fd, address, count, flags) -> {
                    if (++calls[0] < 3) {
                        Native.RUNTIME.setLastError(Errors.EINTR); // as a signal handler's return leaves it
                        return -1;
                    }
                    return count;
                },
                0,
                0,
                7,
                0);
        assertThat(result).isEqualTo(7);
        assertThat(calls[0]).isEqualTo(3);
    }

    @Test
    void anyOtherFailureIsAnsweredAsMinusErrnoAtOnce() {
        int[] calls = {0};
        long result = Errors.restarting(
                (fd, address, count, flags) -> {
                    calls[0]++;
                    Native.RUNTIME.setLastError(Errors.EAGAIN);
                    return -1;
                },
                0,
                0,
                0,
                0);
        assertThat(result).isEqualTo(-Errors.EAGAIN);
        assertThat(calls[0]).isEqualTo(1);
    }

    @Test
    void tryReadAnswersABadDescriptorWithoutThrowing() {
        assertThat(DescriptorIo.tryRead(-1, ByteBuffer.allocateDirect(8))).isEqualTo(-Errors.EBADF);
    }
}
