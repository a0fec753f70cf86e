package io.yolostream.detector.service;

import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.detector.avro.FrameSource;
import io.yolostream.detector.avro.PathNode;
import io.yolostream.detector.avro.Timings;
import io.yolostream.detector.model.ModelInfo;
import io.yolostream.ingest.avro.Frame;
import io.yolostream.ingest.avro.SourceKind;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Builds the {@link Detection} records: one per frame, whatever happened to it. */
public final class DetectionRecords {
    private static final Timings NO_TIMINGS = new Timings(0f, 0f, 0f, 0f, 0f);

    private final String modelId;

    public DetectionRecords(String modelId) {
        this.modelId = modelId;
    }

    public String modelId() {
        return modelId;
    }

    /** name@first 8 hex of the model's source hash, or of the ONNX bytes' sha256 when the model has none. */
    public static String modelId(ModelInfo info, byte[] onnxBytesOrNull) {
        String hash = info.sourceHash();
        if ((hash == null || hash.isEmpty()) && onnxBytesOrNull != null) {
            hash = sha256(onnxBytesOrNull);
        }
        String prefix = hash == null || hash.isEmpty() ? "unknown" : hash.substring(0, Math.min(8, hash.length()));
        return info.name() + "@" + prefix;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** An OK record: the frame ran in a batch of {@code batchSize} at {@code w x h}. */
    public Detection ok(Frame f, int partition, long offset, List<io.yolostream.detector.decode.DetectedBox> found,
                        int w, int h, int batchSize, int imageW, int imageH, Timings timings) {
        List<DetectedObject> objects = new ArrayList<>(found.size());
        for (io.yolostream.detector.decode.DetectedBox d : found) {
            List<PathNode> path = new ArrayList<>(d.path().size());
            for (io.yolostream.detector.decode.DetectedBox.PathNode p : d.path()) {
                path.add(new PathNode(p.name(), p.labelId(), p.conditional(), p.probability()));
            }
            objects.add(new DetectedObject(d.box().left(), d.box().top(), d.box().width(), d.box().height(),
                    d.objectness(), d.label(), d.labelId(), d.score(), path));
        }
        return base(f, partition, offset, DetectionStatus.OK, null)
                .setInputWidth(w).setInputHeight(h).setBatchSize(batchSize)
                .setImageWidth(imageW).setImageHeight(imageH)
                .setObjects(objects).setTimings(timings).build();
    }

    public Detection skipped(Frame f, int partition, long offset, String reason, float queueMs) {
        return base(f, partition, offset, DetectionStatus.SKIPPED_STALE, reason)
                .setTimings(new Timings(queueMs, 0f, 0f, 0f, 0f)).build();
    }

    /** ERROR for a frame whose image does not decode (the frame went to the DLQ). */
    public Detection error(Frame f, int partition, long offset, String reason) {
        return base(f, partition, offset, DetectionStatus.ERROR, reason).build();
    }

    /**
     * ERROR for a value that is not a readable Frame: camera id from the record key, sequence -1, capture time from
     * the record timestamp; the rest unknown.
     */
    public Detection unreadable(String key, long timestamp, int partition, long offset, String reason) {
        return Detection.newBuilder()
                .setCameraId(key == null ? "" : key).setSequence(-1)
                .setCaptureTime(Instant.ofEpochMilli(Math.max(0, timestamp))).setDetectTime(Instant.now())
                .setSource(FrameSource.LIVE).setSessionId("").setStatus(DetectionStatus.ERROR).setReason(reason)
                .setModelId(modelId).setInputWidth(0).setInputHeight(0).setBatchSize(0)
                .setImageWidth(0).setImageHeight(0).setObjects(List.of()).setTimings(NO_TIMINGS)
                .setFramePartition(partition).setFrameOffset(offset).build();
    }

    private Detection.Builder base(Frame f, int partition, long offset, DetectionStatus status, String reason) {
        return Detection.newBuilder()
                .setCameraId(f.getCameraId()).setSequence(f.getSequence())
                .setCaptureTime(f.getCaptureTime()).setDetectTime(Instant.now())
                .setSource(f.getSource() == SourceKind.REPLAY ? FrameSource.REPLAY : FrameSource.LIVE)
                .setSessionId(f.getSessionId()).setStatus(status).setReason(reason).setModelId(modelId)
                .setInputWidth(0).setInputHeight(0).setBatchSize(0)
                .setImageWidth(f.getWidth()).setImageHeight(f.getHeight())
                .setObjects(List.of()).setTimings(NO_TIMINGS)
                .setFramePartition(partition).setFrameOffset(offset);
    }
}
