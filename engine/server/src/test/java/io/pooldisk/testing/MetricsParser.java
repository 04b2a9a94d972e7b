package io.pooldisk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real parser of /metrics for tests: python3-prometheus-client's (the Debian package, run by /usr/bin/python3, not
 * whatever python3 is first on the PATH), for OpenMetrics 1.0.0 and for the Prometheus text format 0.0.4.
 */
public final class MetricsParser {

    /** Prints the families the parser found as JSON; argv[1] "openmetrics" or "prometheus" picks the parser. */
    private static final String PARSER = String.join(
            "\n",
            "import json, sys",
            "from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics",
            "from prometheus_client.parser import text_string_to_metric_families as prometheus",
            "parse = openmetrics if sys.argv[1] == 'openmetrics' else prometheus",
            "families = [{'name': f.name, 'type': f.type, 'unit': f.unit, 'help': f.documentation,",
            "             'samples': [{'name': s.name, 'labels': s.labels, 'value': s.value} for s in f.samples]}",
            "            for f in parse(sys.stdin.read())]",
            "print(json.dumps(families))");

    private static final ObjectMapper JSON = new ObjectMapper();

    private MetricsParser() {}

    /** The families that prometheus_client's parser finds in {@code text}, or the test fails with its complaint. */
    public static Families parse(String text, String format) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", PARSER, format).start();
        CompletableFuture<byte[]> out = readAll(p.getInputStream());
        CompletableFuture<byte[]> err = readAll(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stderr = new String(err.get(), StandardCharsets.UTF_8);
        assertThat(p.exitValue())
                .as("the parser says: %s%nof:%n%s", stderr, text)
                .isZero();
        return new Families(JSON.readTree(out.get()));
    }

    private static CompletableFuture<byte[]> readAll(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                stream.transferTo(b);
                return b.toByteArray();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** The parser's output: families, each with its samples. */
    public record Families(JsonNode families) {

        public JsonNode family(String name) {
            for (JsonNode f : families) {
                if (f.get("name").asText().equals(name)) {
                    return f;
                }
            }
            throw new AssertionError("no family " + name + " in " + families);
        }

        /** Every sample of the family {@code name} (as OpenMetrics names it: without _total). */
        public List<JsonNode> samples(String name) {
            List<JsonNode> list = new ArrayList<>();
            family(name).get("samples").forEach(list::add);
            return list;
        }

        /** The value of the one sample named {@code sample} with these labels (name, value, ...); 0 when none. */
        public double value(String sample, String... labels) {
            for (JsonNode f : families) {
                for (JsonNode s : f.get("samples")) {
                    if (s.get("name").asText().equals(sample) && hasLabels(s.get("labels"), labels)) {
                        return s.get("value").asDouble();
                    }
                }
            }
            return 0;
        }

        private static boolean hasLabels(JsonNode actual, String... labels) {
            Map<String, String> wanted = new java.util.HashMap<>();
            for (int i = 0; i < labels.length; i += 2) {
                wanted.put(labels[i], labels[i + 1]);
            }
            for (Map.Entry<String, String> e : wanted.entrySet()) {
                JsonNode v = actual.get(e.getKey());
                if (v == null || !v.asText().equals(e.getValue())) {
                    return false;
                }
            }
            return true;
        }
    }
}
