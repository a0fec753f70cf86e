package io.yolostream.schema;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Avro single-object encoding ({@code C3 01} + the writer schema's 8-byte CRC-64-AVRO fingerprint, little-endian +
 * the binary body) of one record type, that reads <em>every released version</em> of its schema: records retained in
 * Kafka stay readable after the schema changes. Writes the current schema.
 *
 * <p>The released versions are resources {@value #HISTORY_DIR}{@code <Name>-v1.avsc}, {@code -v2.avsc}, ... next to
 * the generated class (copied there when a version is released, never edited afterwards); each is registered with
 * the decoder ({@link BinaryMessageDecoder#addSchema}), which resolves an old record to the current schema (fields
 * added since take their defaults). {@link #historyProblems()} is what the schema tests check: the current schema is
 * the latest released one and reads all the others. Thread-safe.
 */
public final class SingleObjectCodec<T> {
    /** Where released schema versions live on the class path. */
    public static final String HISTORY_DIR = "io/yolostream/schemas/";
    /** Magic (2 bytes) + fingerprint (8 bytes). */
    public static final int HEADER_LENGTH = 10;

    private final String name;
    private final Schema current;
    private final long fingerprint;
    private final List<Schema> released;
    private final Map<Long, String> known = new LinkedHashMap<>();
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    private SingleObjectCodec(GenericData model, Schema current, List<Schema> released) {
        this.name = current.getName();
        this.current = current;
        this.fingerprint = fingerprint(current);
        this.released = List.copyOf(released);
        this.encoder = new BinaryMessageEncoder<>(model, current);
        this.decoder = new BinaryMessageDecoder<>(model, current);
        for (int i = 0; i < released.size(); i++) {
            Schema s = released.get(i);
            decoder.addSchema(s);
            known.put(fingerprint(s), name + " v" + (i + 1));
        }
        known.putIfAbsent(fingerprint, name + " (unreleased)");
    }

    /** The codec of a generated class, with the released versions found next to it. */
    public static <T extends SpecificRecord> SingleObjectCodec<T> of(Class<T> type) {
        AvroTrust.trustPackageOf(type);
        SpecificData model = SpecificData.getForClass(type);
        Schema schema = model.getSchema(type);
        return new SingleObjectCodec<>(model, schema, released(schema.getName(), type.getClassLoader()));
    }

    /** A codec of generic records: reads {@code released} (oldest first) into {@code current}. */
    public static SingleObjectCodec<GenericRecord> generic(Schema current, List<Schema> released) {
        return new SingleObjectCodec<>(GenericData.get(), current, released);
    }

    /** The released versions of the schema {@code name}, oldest first (none when there is no v1). */
    public static List<Schema> released(String name, ClassLoader loader) {
        List<Schema> out = new ArrayList<>();
        for (int v = 1; ; v++) {
            String path = HISTORY_DIR + name + "-v" + v + ".avsc";
            try (InputStream in = loader.getResourceAsStream(path)) {
                if (in == null) {
                    return out;
                }
                out.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("released schema " + path + " cannot be read", e);
            }
        }
    }

    /** The CRC-64-AVRO fingerprint of the schema's parsing canonical form, as single-object encoding writes it. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /** The header's fingerprint; {@code what} names the value in the error of one that is not single-object. */
    public static long fingerprintOf(byte[] value, String what) {
        if (value == null || value.length < HEADER_LENGTH) {
            throw new SchemaException(what + ": expected at least " + HEADER_LENGTH + " bytes (C3 01 + 8-byte"
                    + " fingerprint), found " + (value == null ? "null" : value.length + " bytes"));
        }
        if ((value[0] & 0xFF) != 0xC3 || value[1] != 0x01) {
            throw new SchemaException(what + ": expected single-object magic C3 01, found "
                    + String.format("%02X %02X", value[0] & 0xFF, value[1] & 0xFF) + " (" + value.length
                    + " bytes starting " + HexFormat.of().formatHex(value, 0, Math.min(10, value.length)) + ")");
        }
        return ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    public static String hex(long fingerprint) {
        return String.format("0x%016X", fingerprint);
    }

    public String name() {
        return name;
    }

    public Schema schema() {
        return current;
    }

    /** The fingerprint written by {@link #encode}. */
    public long fingerprint() {
        return fingerprint;
    }

    /** Whether a record with this writer fingerprint decodes (a released version or the current one). */
    public boolean knows(long writerFingerprint) {
        return known.containsKey(writerFingerprint);
    }

    /** "0x... (Frame v1), 0x... (Frame v2)": what {@link #decode} accepts, for messages. */
    public String describeKnown() {
        return known.entrySet().stream().map(e -> hex(e.getKey()) + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", "));
    }

    public byte[] encode(T record) {
        try {
            return toArray(encoder.encode(record));
        } catch (IOException e) {
            throw new UncheckedIOException("Avro encoding of a " + name + " failed", e);
        }
    }

    /**
     * The record, resolved to the current schema whichever released version wrote it. Anything else is a
     * {@link SchemaException} starting with {@code what} (e.g. "frames topic value") that says what was expected
     * and what was found.
     */
    public T decode(byte[] value, String what) {
        long fp = fingerprintOf(value, what);
        if (!knows(fp)) {
            throw new SchemaException(what + ": expected a single-object " + name + " with schema fingerprint "
                    + describeKnown() + ", found " + hex(fp) + " (another record type, or a version newer than"
                    + " this build)");
        }
        return decodeKnown(value, what);
    }

    /** Decodes a value whose fingerprint {@link #knows} already checked. */
    public T decodeKnown(byte[] value, String what) {
        try {
            return decoder.decode(value);
        } catch (IOException | RuntimeException e) {
            // Avro reports a short body as EOFException or an index error; both mean truncated or corrupt
            throw new SchemaException(what + ": expected a complete " + name + " body, found "
                    + (value.length - HEADER_LENGTH) + " body bytes that do not decode (truncated or corrupt): "
                    + e, e);
        }
    }

    /**
     * What is wrong with the history (empty when all is well): no released version, a current schema that is not
     * the latest released one (a change without a new {@code -vN.avsc}), or a released version the current schema
     * cannot read.
     */
    public List<String> historyProblems() {
        List<String> problems = new ArrayList<>();
        String next = HISTORY_DIR + name + "-v" + (released.size() + 1) + ".avsc";
        if (released.isEmpty()) {
            problems.add(name + ": expected released versions " + HISTORY_DIR + name + "-v1.avsc..., found none");
            return problems;
        }
        long latest = fingerprint(released.get(released.size() - 1));
        if (latest != fingerprint) {
            problems.add(name + ": the current schema (" + hex(fingerprint) + ") is not the latest released one (v"
                    + released.size() + ", " + hex(latest) + "): release it as " + next + " (and keep the old ones)");
        }
        for (int i = 0; i < released.size(); i++) {
            var result = SchemaCompatibility.checkReaderWriterCompatibility(current, released.get(i)).getResult();
            if (result.getCompatibility() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                problems.add(name + ": the current schema cannot read records written by v" + (i + 1) + ": "
                        + result.getIncompatibilities().stream().map(inc -> inc.getType() + " at "
                        + inc.getLocation() + " (" + inc.getMessage() + ")").collect(Collectors.joining("; ")));
            }
        }
        return problems;
    }

    /**
     * Writes {@code samples} random records with each released version (as that release wrote them) and decodes
     * them with this codec: what fails to decode, or decodes to a different value of a field the two versions share
     * (compared where the field's schema did not change), is listed. Empty when every released record reads back.
     */
    public List<String> releasedRecordProblems(int samples, long seed) {
        List<String> problems = new ArrayList<>();
        SingleObjectCodec<GenericRecord> generic = generic(current, released);
        for (int i = 0; i < released.size(); i++) {
            Schema writer = released.get(i);
            BinaryMessageEncoder<Object> old = new BinaryMessageEncoder<>(GenericData.get(), writer);
            int n = 0;
            for (Object r : new org.apache.avro.util.RandomData(GenericData.get(), writer, samples, seed + i)) {
                GenericRecord written = (GenericRecord) r;
                String where = name + " v" + (i + 1) + " record " + n++;
                try {
                    byte[] bytes = toArray(old.encode(written));
                    decode(bytes, where);
                    GenericRecord read = generic.decode(bytes, where);
                    for (Schema.Field f : writer.getFields()) {
                        Schema.Field now = current.getField(f.name());
                        if (now != null && fingerprint(now.schema()) == fingerprint(f.schema())
                                && !plain(written.get(f.name())).equals(plain(read.get(f.name())))) {
                            problems.add(where + ": field " + f.name() + " reads back as "
                                    + read.get(f.name()) + ", written " + written.get(f.name()));
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    problems.add(where + ": " + e);
                }
            }
        }
        return problems.size() > 10 ? List.copyOf(problems.subList(0, 10)) : problems;
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** A decoded value as plain Java values (Utf8/String, generic/specific records, enums alike), to compare. */
    private static Object plain(Object v) {
        if (v instanceof CharSequence || v instanceof Enum<?> || v instanceof org.apache.avro.generic.GenericEnumSymbol<?>) {
            return v.toString();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.TreeMap<>();
            m.forEach((k, x) -> out.put(k.toString(), plain(x)));
            return out;
        }
        if (v instanceof java.util.Collection<?> c) {
            return c.stream().map(SingleObjectCodec::plain).toList();
        }
        if (v instanceof org.apache.avro.generic.IndexedRecord r) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Schema.Field f : r.getSchema().getFields()) {
                out.put(f.name(), plain(r.get(f.pos())));
            }
            return out;
        }
        return v == null ? "null" : v;
    }
}
