/**
 * The {@code yolostream detect} service: {@link io.yolostream.detector.service.DetectService} (start/close, fail-fast
 * checks, HTTP {@code /metrics} and {@code /health}) configured by {@link io.yolostream.detector.service.DetectConfig}
 * (keys, env {@code YOLOSTREAM_DETECT_*}, {@code kafka.*} client overrides in the file). Internally: a plain consumer
 * in a group and a transactional producer (EOS v2); every polled record (frame, end-of-stream, unreadable value) goes
 * through the cross-camera batcher in arrival order, so each batch is a per-partition prefix of what was polled and
 * one transaction carries its detection records, its DLQ records and its offsets. End-of-stream records are not
 * forwarded: their offsets are committed in order with the frames around them.
 */
package io.yolostream.detector.service;
