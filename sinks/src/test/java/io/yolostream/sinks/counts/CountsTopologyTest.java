package io.yolostream.sinks.counts;

import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.sinks.avro.NodeCount;
import io.yolostream.sinks.avro.NodeCounts;
import io.yolostream.sinks.common.SinksSerdes;
import io.yolostream.sinks.config.SinksConfig;
import io.yolostream.sinks.testing.Driver;
import io.yolostream.sinks.testing.Fixtures;
import io.yolostream.wordtree.WordTree;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CountsTopologyTest {
    private static final long MIN = 60_000;
    private static final long W0 = Fixtures.T0 - Fixtures.T0 % MIN;

    @TempDir
    Path dir;

    private static List<DetectedObject> dogs(int n) {
        WordTree tree = WordTree.parse(Fixtures.SMALL_TREE, "small");
        return java.util.Collections.nCopies(n, Fixtures.treeObject(tree, Fixtures.SMALL_NAMES, Fixtures.NORFOLK,
                0.5f));
    }

    @Test
    void countsPerCameraAndNodeInTumblingWindowsWithLateRecordsInsideAndBeyondGrace() {
        Path[] t = Fixtures.smallTree(dir);
        SinksConfig c = SinksConfig.of("tree", t[0].toString(), "names", t[1].toString(),
                "subscribe", "dog,cat", "window", "1m", "grace", "10s");
        try (Driver d = new Driver(c, CountsTopology.buildTopology(c))) {
            d.send(Fixtures.detection("cam1", 1, W0 + 5_000, dogs(2)));
            d.send(Fixtures.detection("cam2", 1, W0 + 6_000, dogs(1)));
            d.send(Fixtures.detection("cam1", 2, W0 + 20_000, dogs(1)));
            d.send(Fixtures.detection("cam1", 3, W0 + 65_000, dogs(1)));     // window 1; window 0 still open (grace)
            d.send(Fixtures.detection("cam1", 4, W0 + 30_000, dogs(1)));     // late, inside grace: counts
            assertTrue(d.output(c.countsTopic(), SinksSerdes.nodeCount()).isEmpty(), "nothing before close");

            // interactive query: the store has the open window
            WindowStore<String, NodeCounts> store = d.driver.getWindowStore(CountsTopology.STORE);
            try (WindowStoreIterator<NodeCounts> it = store.fetch("cam1", Instant.ofEpochMilli(W0),
                    Instant.ofEpochMilli(W0))) {
                NodeCounts w0 = it.next().value;
                assertEquals(4, CountsTopology.count(w0, "detections.dog"));
                assertEquals(3, w0.getFrames());
            }

            d.send(Fixtures.detection("cam3", 1, W0 + 75_000, List.of()));    // stream time past W0 end + grace
            d.send(Fixtures.detection("cam1", 5, W0 + 40_000, dogs(5)));     // late, beyond grace: dropped
            d.send(Fixtures.detection("cam3", 2, W0 + 200_000, List.of()));  // closes window 1 too

            List<NodeCount> out = d.output(c.countsTopic(), SinksSerdes.nodeCount()).readValuesToList();
            assertEquals(List.of(
                    "cam1 dog " + W0 + " 4", "cam1 cat " + W0 + " 0",
                    "cam2 dog " + W0 + " 1", "cam2 cat " + W0 + " 0",
                    "cam1 dog " + (W0 + MIN) + " 1", "cam1 cat " + (W0 + MIN) + " 0",
                    "cam3 dog " + (W0 + MIN) + " 0", "cam3 cat " + (W0 + MIN) + " 0"),
                    out.stream().map(n -> n.getCameraId() + " " + n.getNode() + " "
                            + n.getWindowStart().toEpochMilli() + " " + n.getCount()).toList());
            assertEquals(W0 + MIN, out.get(0).getWindowEnd().toEpochMilli());
            assertEquals("detections.dog", out.get(0).getTopic());
        }
    }
}
