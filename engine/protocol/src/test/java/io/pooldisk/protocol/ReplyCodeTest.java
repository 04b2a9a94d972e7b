package io.pooldisk.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The list of reply codes and docs/PROTOCOL.md's table of them name the same codes. */
class ReplyCodeTest {

    private static final Path DOCUMENT = Path.of("..", "..", "docs", "PROTOCOL.md");

    @Test
    void theListIsTheDocumentsTablePlusTheCodeOlderServersSent() throws Exception {
        String doc = Files.readString(DOCUMENT, StandardCharsets.UTF_8);
        Set<Integer> documented = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `ERR (\\d{3})` \\|").matcher(doc);
        while (row.find()) {
            documented.add(Integer.parseInt(row.group(1)));
        }
        Set<Integer> listed = Stream.of(ReplyCode.values())
                .filter(c -> c != ReplyCode.NO_PROGRESS)
                .map(ReplyCode::number)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(listed).isEqualTo(documented);
    }

    @Test
    void aNumberFindsItsCode() {
        assertThat(ReplyCode.of(401)).contains(ReplyCode.UNAUTHORIZED);
        assertThat(ReplyCode.of(0)).isEmpty();
        assertThat(ReplyCode.of(418)).isEmpty();
        assertThat(Reply.err(ReplyCode.BUSY, "server\nbusy")).isEqualTo("ERR 503 server busy\n");
    }
}
