package io.yolostream.sinks.tracking;

import io.yolostream.sinks.avro.NodeCount;
import io.yolostream.sinks.avro.TrackFrame;
import io.yolostream.sinks.avro.TrackedObject;
import io.yolostream.sinks.avro.ZoneRef;
import io.yolostream.sinks.avro.ZoneTracks;
import io.yolostream.sinks.hierarchy.Subscription;
import io.yolostream.sinks.track.LabelSupport;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Unique tracks per zone and line of a camera in a window, per subscribed node (or {@code *}, every track, without
 * subscriptions): a zone counts the tracks whose anchor was in it in some frame of the window, a line the tracks that
 * crossed it (and per direction). Every zone of the camera has its entries from the window's first frame on, so
 * zeros are written too.
 */
public final class ZoneCounts {
    /** Separates the parts of an entry's key. */
    static final char SEP = '\u0000';
    public static final String ALL = "*";

    private final Tracking tracking;
    private final String eventsTopic;

    public ZoneCounts(Tracking tracking, String eventsTopic) {
        this.tracking = tracking;
        this.eventsTopic = eventsTopic;
    }

    /** The window's aggregate with one more frame. */
    public ZoneTracks add(ZoneTracks agg, TrackFrame f) {
        Map<String, List<String>> m = new TreeMap<>(agg.getEntries());
        List<String> nodes = nodes(null);
        for (ZoneRef z : f.getZones()) {
            for (String n : nodes) {
                m.computeIfAbsent(key(z.getId(), z.getKind(), n, "tracks"), k -> new ArrayList<>());
                if ("line".equals(z.getKind())) {
                    m.computeIfAbsent(key(z.getId(), z.getKind(), n, "forward"), k -> new ArrayList<>());
                    m.computeIfAbsent(key(z.getId(), z.getKind(), n, "backward"), k -> new ArrayList<>());
                }
            }
        }
        for (TrackedObject o : f.getTracks()) {
            List<String> of = nodes(o);
            for (String zone : o.getInZones()) {
                for (String n : of) {
                    addTo(m, key(zone, "zone", n, "tracks"), o.getTrackId());
                }
            }
            for (String c : o.getCrossed()) {
                int colon = c.lastIndexOf(':');
                String line = c.substring(0, colon);
                for (String n : of) {
                    addTo(m, key(line, "line", n, "tracks"), o.getTrackId());
                    addTo(m, key(line, "line", n, c.substring(colon + 1)), o.getTrackId());
                }
            }
        }
        return new ZoneTracks(m);
    }

    /** The counts of a closed window: one per zone or line and node. */
    public List<NodeCount> counts(String camera, long start, long end, ZoneTracks agg) {
        Map<String, long[]> byZoneNode = new TreeMap<>();
        Map<String, String> kinds = new TreeMap<>();
        for (Map.Entry<String, List<String>> e : agg.getEntries().entrySet()) {
            String[] k = e.getKey().split(String.valueOf(SEP), -1);
            String zn = k[0] + SEP + k[2];
            kinds.put(zn, k[1]);
            long[] c = byZoneNode.computeIfAbsent(zn, x -> new long[3]);
            int slot = switch (k[3]) {
                case "forward" -> 1;
                case "backward" -> 2;
                default -> 0;
            };
            c[slot] = e.getValue().size();
        }
        List<NodeCount> out = new ArrayList<>();
        for (Map.Entry<String, long[]> e : byZoneNode.entrySet()) {
            String[] k = e.getKey().split(String.valueOf(SEP), -1);
            String topic = k[1];
            String node = ALL.equals(topic) ? ALL : tracking.subscriptions().stream()
                    .filter(s -> s.topic().equals(topic)).map(Subscription::name).findFirst().orElse(topic);
            out.add(new NodeCount(camera, node, ALL.equals(topic) ? eventsTopic : topic, Instant.ofEpochMilli(start),
                    Instant.ofEpochMilli(end), e.getValue()[0], k[0], kinds.get(e.getKey()), e.getValue()[1],
                    e.getValue()[2]));
        }
        return out;
    }

    /** Query view: zone → kind, and per node: tracks, forward, backward. */
    public static List<Map<String, Object>> view(List<NodeCount> counts) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (NodeCount c : counts) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("zone", c.getZone());
            m.put("kind", c.getZoneKind());
            m.put("node", c.getNode());
            m.put("tracks", c.getCount());
            if ("line".equals(c.getZoneKind())) {
                m.put("forward", c.getForward());
                m.put("backward", c.getBackward());
            }
            out.add(m);
        }
        return out;
    }

    /** The subscription topics (or {@code *}) a track counts for; all of them for {@code null}. */
    private List<String> nodes(TrackedObject o) {
        List<Subscription> subs = tracking.subscriptions();
        if (subs.isEmpty()) {
            return List.of(ALL);
        }
        if (o == null) {
            return subs.stream().map(Subscription::topic).toList();
        }
        List<LabelSupport> path = o.getLabelPath().stream().map(n -> new LabelSupport("", n.getName(),
                n.getWordnetId(), n.getLabelId(), n.getSupport())).toList();
        return tracking.subscriptionsOf(path).stream().map(Subscription::topic).toList();
    }

    private static void addTo(Map<String, List<String>> m, String key, String trackId) {
        List<String> ids = m.computeIfAbsent(key, k -> new ArrayList<>());
        if (!ids.contains(trackId)) {
            List<String> copy = new ArrayList<>(ids);
            copy.add(trackId);
            m.put(key, copy);
        }
    }

    static String key(String zone, String kind, String node, String tally) {
        return zone + SEP + kind + SEP + node + SEP + tally;
    }

    /** For tests. */
    static Set<String> keys(ZoneTracks agg) {
        return new LinkedHashSet<>(agg.getEntries().keySet());
    }
}
