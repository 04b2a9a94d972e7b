package io.pooldisk.pool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pooldisk.auth.AddressRange;
import io.pooldisk.auth.Ban;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The JSON form of the ban list, as {@code BAN LIST} answers it: an array of {@code {"network", "reason", "since",
 * "until" (null: permanent), "source" ("manual" or "automatic")}}, times in ISO-8601 UTC.
 */
public final class BanJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BanJson() {}

    public static String write(List<Ban> bans) {
        ArrayNode list = JSON.createArrayNode();
        for (Ban b : bans) {
            ObjectNode n = list.addObject();
            n.put("network", b.range().toString());
            n.put("reason", b.reason());
            n.put("since", b.since().toString());
            if (b.until() == null) {
                n.putNull("until");
            } else {
                n.put("until", b.until().toString());
            }
            n.put("source", b.source().label());
        }
        return list.toString();
    }

    /**
     * The list {@link #write} wrote (an attached console reads {@code BAN LIST} with it).
     *
     * @throws IOException when {@code json} is not such a list
     */
    public static List<Ban> read(String json) throws IOException {
        List<Ban> bans = new ArrayList<>();
        try {
            for (JsonNode n : JSON.readTree(json)) {
                JsonNode until = n.path("until");
                bans.add(new Ban(
                        AddressRange.parse(n.path("network").asText()),
                        n.path("reason").asText(""),
                        Instant.parse(n.path("since").asText()),
                        until.isNull() || until.isMissingNode() ? null : Instant.parse(until.asText()),
                        Ban.Source.valueOf(n.path("source").asText().toUpperCase(Locale.ROOT))));
            }
        } catch (RuntimeException e) { // a bad network, time or source
            throw new IOException("not a ban list: " + e.getMessage(), e);
        }
        return bans;
    }
}
