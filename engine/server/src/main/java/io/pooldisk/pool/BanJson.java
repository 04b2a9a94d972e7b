package io.pooldisk.pool;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pooldisk.auth.Ban;
import java.util.List;

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
}
