#!/usr/bin/python3
"""The accounting of deploy/docker/cluster-test.sh: frame records against committed detection records, per camera.

  cluster-check.py partition KEY PARTITIONS
      the partition Kafka's default partitioner gives a record keyed KEY (murmur2 of the UTF-8 key, as ingest's
      producer does): where a camera's frames, and its detections, go
  cluster-check.py account AVSC_DIR FRAMES DETECTIONS CAMERA [INGEST_CAMERAS_JSON]
      FRAMES: the frames topic as `kcat -f '%p %o %S\\n%s'` writes it (all of it, read_uncommitted: frames are not
      transactional); DETECTIONS: the detections topic (read_committed) decoded by docs/examples/read_detection.py,
      one JSON line per record; INGEST_CAMERAS_JSON: ingest's GET /cameras answer, for a live camera's counters.
      Prints one line of KEY=VALUE pairs for the shell:
        frames       frame records of CAMERA in the topic (a record written twice counts twice)
        published    distinct sequences among them; first, last: their lowest and highest
        seqgaps      sequences between first and last that no frame record has (a live frame whose send failed)
        framedup     frame records beyond one per sequence (a producer resend that was written twice)
        eos          frames counted by the camera's end-of-stream record (replays), -1 when there is none
        detections   committed detection records of CAMERA; detected: distinct frame records they cover
        watermark    the highest frame offset detected in the camera's partition: every frame record at or below it
                     has been read by a detector, so it must have its detection
        lost         frame records at or below the watermark without a detection (a replay is complete when its
                     watermark is its last frame record and lost is 0)
        pending      frame records above the watermark (not read yet)
        dup          detection records beyond one per frame: the larger of the excess by (camera, sequence) and by
                     (frame partition, frame offset)
        partition    the frames partition(s) the camera's detections name; statuses: records per status
        sampled, dropped, failed, queued   ingest's counters for the camera (live cameras; -1 without the JSON)
"""
import collections
import importlib.util
import io
import json
import os
import struct
import sys

import avro.io
import avro.schema


def murmur2(data: bytes) -> int:
    """Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), as an unsigned 32-bit value."""
    m, r = 0x5BD1E995, 24
    length = len(data)
    h = (0x9747B28C ^ length) & 0xFFFFFFFF
    for i in range(length // 4):
        k = int.from_bytes(data[4 * i:4 * i + 4], "little")
        k = (k * m) & 0xFFFFFFFF
        k ^= k >> r
        k = (k * m) & 0xFFFFFFFF
        h = (h * m) & 0xFFFFFFFF
        h ^= k
    tail = length & ~3
    rest = length % 4
    if rest == 3:
        h ^= data[tail + 2] << 16
    if rest >= 2:
        h ^= data[tail + 1] << 8
    if rest >= 1:
        h ^= data[tail]
        h = (h * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    h ^= h >> 15
    return h


def partition(key: str, partitions: int) -> int:
    return (murmur2(key.encode("utf-8")) & 0x7FFFFFFF) % partitions


def frame_schemas(avsc_dir):
    """Frame and EndOfStream by fingerprint, with the fingerprint code of docs/examples/read_frame.py."""
    here = os.path.dirname(os.path.abspath(__file__))
    example = os.path.join(here, "..", "..", "docs", "examples", "read_frame.py")
    spec = importlib.util.spec_from_file_location("read_frame", example)
    read_frame = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(read_frame)
    schemas = {}
    for name in ("Frame", "EndOfStream"):
        with open(os.path.join(avsc_dir, name + ".avsc")) as f:
            schema = avro.schema.parse(f.read())
        schemas[read_frame.crc64_avro(read_frame.canonical_form(schema).encode("utf-8"))] = (name, schema)
    return schemas


def frame_records(path, schemas, camera):
    """(partition, offset, kind, record) of CAMERA's records in a `kcat -f '%p %o %S\\n%s'` dump."""
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    while pos < len(data):
        eol = data.index(b"\n", pos)
        p, o, size = (int(x) for x in data[pos:eol].split())
        value = data[eol + 1:eol + 1 + size]
        pos = eol + 1 + size
        if size < 10 or value[0:2] != b"\xc3\x01":
            continue
        (fingerprint,) = struct.unpack("<Q", value[2:10])
        if fingerprint not in schemas:
            continue
        name, schema = schemas[fingerprint]
        # cameraId is the first field of both schemas: skip other cameras before decoding the image
        decoder = avro.io.BinaryDecoder(io.BytesIO(value[10:]))
        if decoder.read_utf8() != camera:
            continue
        record = avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(io.BytesIO(value[10:])))
        yield p, o, name, record


def account(avsc_dir, frames_path, detections_path, camera, cameras_json=None):
    frames = {}  # (partition, offset) -> sequence
    seq_count = collections.Counter()
    eos = -1
    for p, o, kind, record in frame_records(frames_path, frame_schemas(avsc_dir), camera):
        if kind == "Frame":
            frames[(p, o)] = record["sequence"]
            seq_count[record["sequence"]] += 1
        else:
            eos = record["frames"] if eos < 0 else eos + record["frames"]
    by_seq, by_offset, statuses, det_partitions = collections.Counter(), collections.Counter(), \
        collections.Counter(), set()
    with open(detections_path) as f:
        for line in f:
            r = json.loads(line)
            if r["cameraId"] != camera:
                continue
            by_seq[r["sequence"]] += 1
            by_offset[(r["framePartition"], r["frameOffset"])] += 1
            statuses[r["status"]] += 1
            det_partitions.add(r["framePartition"])
    n = sum(by_seq.values())
    watermark = max((o for (_, o) in by_offset), default=-1)
    below = [po for po in frames if po[1] <= watermark]
    lost = sum(1 for po in below if po not in by_offset)
    seqs = sorted(seq_count)
    out = {
        "frames": len(frames),
        "published": len(seqs),
        "first": seqs[0] if seqs else -1,
        "last": seqs[-1] if seqs else -1,
        "seqgaps": (seqs[-1] - seqs[0] + 1 - len(seqs)) if seqs else 0,
        "framedup": len(frames) - len(seqs),
        "eos": eos,
        "detections": n,
        "detected": sum(1 for po in frames if po in by_offset),
        "watermark": watermark,
        "lost": lost,
        "pending": len(frames) - len(below),
        "dup": max(n - len(by_seq), n - len(by_offset)) if n else 0,
        "partition": ",".join(map(str, sorted(det_partitions))) or "-",
        "statuses": ",".join(f"{k}={v}" for k, v in sorted(statuses.items())) or "-",
        "sampled": -1, "dropped": -1, "failed": -1, "queued": -1,
    }
    if cameras_json:
        with open(cameras_json) as f:
            for c in json.load(f):
                if c["id"] == camera:
                    out.update(sampled=c["framesSampled"], dropped=c["framesDropped"], failed=c["framesFailed"],
                               queued=c["queueDepth"])
    print(" ".join(f"{k}={v}" for k, v in out.items()))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "partition":
        print(partition(sys.argv[2], int(sys.argv[3])))
    elif len(sys.argv) in (6, 7) and sys.argv[1] == "account":
        account(*sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
