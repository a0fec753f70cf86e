#!/usr/bin/python3
"""Decodes one value of the frames topic without Java: an example for non-Java consumers, run by KcatInteropIT.

Usage: read_frame.py AVSC_DIR < value.bin   (value.bin: the raw Kafka record value, e.g. from `kcat -f '%s'`)

A value is Avro single-object encoded: bytes C3 01, the writer schema's CRC-64-AVRO fingerprint (8 bytes,
little-endian), then the Avro binary body. The fingerprint says whether a Frame or an EndOfStream follows.
Prints the record as JSON (the image as its length and first bytes).
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


def main() -> None:
    avsc_dir = sys.argv[1]
    schemas = {}
    for name in ("Frame", "EndOfStream"):
        with open(f"{avsc_dir}/{name}.avsc") as f:
            schema = avro.schema.parse(f.read())
        schemas[crc64_avro(canonical_form(schema).encode("utf-8"))] = (name, schema)

    value = sys.stdin.buffer.read()
    if len(value) < 10 or value[0:2] != b"\xc3\x01":
        sys.exit(f"expected C3 01 + 8-byte fingerprint, found {value[:10].hex()}")
    (fingerprint,) = struct.unpack("<Q", value[2:10])
    if fingerprint not in schemas:
        sys.exit(f"unknown schema fingerprint {fingerprint:016x}; known: {[f'{k:016x}' for k in schemas]}")
    name, schema = schemas[fingerprint]
    record = avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(io.BytesIO(value[10:])))
    if "image" in record:
        image = record.pop("image")
        record["imageBytes"] = len(image)
        record["imageHead"] = image[:3].hex()
    for key, v in list(record.items()):
        if hasattr(v, "isoformat"):
            record[key] = int(v.timestamp() * 1000)  # timestamp-millis back to epoch millis
    print(json.dumps({"type": name, "fingerprint": f"{fingerprint:016x}", **record}, sort_keys=True))


if __name__ == "__main__":
    main()
