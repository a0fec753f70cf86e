#!/usr/bin/python3
"""Decodes values of the detections topic without Java: an example for non-Java consumers, run by
DetectionInteropIT.

Usage: read_detection.py DETECTION_AVSC < values   (values: raw Kafka record values, each preceded by its length
as a decimal line, e.g. from `kcat -C ... -X isolation.level=read_committed -f '%S\\n%s'`), or one raw value with
--one.

A value is Avro single-object encoded: bytes C3 01, the writer schema's CRC-64-AVRO fingerprint (8 bytes,
little-endian), then the Avro binary body. Prints one JSON line per record (timestamps as epoch milliseconds).
Read the topic with isolation.level=read_committed: records of aborted or still open transactions must be skipped.
"""
import io
import json
import re
import struct
import sys

try:
    import avro.io
    import avro.schema
except ImportError:
    sys.exit(f"{sys.argv[0]}: needs the avro module for {sys.executable}: apt-get install python3-avro (Debian's"
             " python3, which this script's first line names), or pip install avro and run it with that python")

EMPTY = 0xC15D213AA4D7A795
TABLE = []
for i in range(256):
    fp = i
    for _ in range(8):
        fp = (fp >> 1) ^ (EMPTY if fp & 1 else 0)
    TABLE.append(fp)

# The spec's canonical form writes a primitive as "long", never {"type":"long"} ([PRIMITIVES] rule). Debian's
# python3-avro 1.11.1 keeps {"type":"long"} where a logical type (timestamp-millis) was stripped, which would give
# a different fingerprint than every other implementation; collapse those.
PRIMITIVE_OBJECT = re.compile(r'\{"type":"(null|boolean|int|long|float|double|bytes|string)"\}')


def canonical_form(schema) -> str:
    return PRIMITIVE_OBJECT.sub(r'"\1"', schema.canonical_form)


def crc64_avro(data: bytes) -> int:
    fp = EMPTY
    for b in data:
        fp = (fp >> 8) ^ TABLE[(fp ^ b) & 0xFF]
    return fp


def epoch_millis(v):
    """timestamp-millis comes back as a datetime: turn it back into epoch milliseconds."""
    if hasattr(v, "timestamp"):
        return round(v.timestamp() * 1000)
    return v


def decode(schema, fingerprint: int, value: bytes) -> dict:
    if len(value) < 10 or value[0:2] != b"\xc3\x01":
        sys.exit(f"expected C3 01 + 8-byte fingerprint, found {value[:10].hex()}")
    (found,) = struct.unpack("<Q", value[2:10])
    if found != fingerprint:
        sys.exit(f"expected the Detection schema's fingerprint {fingerprint:016x}, found {found:016x}")
    record = avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(io.BytesIO(value[10:])))
    for key in ("captureTime", "detectTime"):
        record[key] = epoch_millis(record[key])
    return record


def main() -> None:
    with open(sys.argv[1]) as f:
        schema = avro.schema.parse(f.read())
    fingerprint = crc64_avro(canonical_form(schema).encode("utf-8"))
    data = sys.stdin.buffer.read()
    values = []
    if len(sys.argv) > 2 and sys.argv[2] == "--one":
        values.append(data)
    else:
        pos = 0
        while pos < len(data):
            eol = data.index(b"\n", pos)
            size = int(data[pos:eol])
            values.append(data[eol + 1:eol + 1 + size])
            pos = eol + 1 + size
    for value in values:
        record = decode(schema, fingerprint, value)
        print(json.dumps({"fingerprint": f"{fingerprint:016x}", **record}, sort_keys=True))


if __name__ == "__main__":
    main()
