package io.yolostream.detector.faceapi;

import io.yolostream.detector.model.ModelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaceApiPackageTest {
    @TempDir
    Path dir;

    @Test
    void withoutNpmTheErrorSaysWhatToDownloadAndWhere() {
        ModelException e = assertThrows(ModelException.class,
                () -> FaceApiPackage.fetch(dir, "npm-that-does-not-exist-" + ProcessHandle.current().pid()));
        assertTrue(e.getMessage().contains("npm is not installed"), e.getMessage());
        assertTrue(e.getMessage().contains(FaceApiPackage.TGZ_URL), e.getMessage());
        assertTrue(e.getMessage().contains(dir.resolve(FaceApiPackage.TGZ_NAME).toString()), e.getMessage());
    }

    @Test
    void aTgzPutInTheDirectoryIsUsedAndChecked() throws IOException {
        Files.write(dir.resolve(FaceApiPackage.TGZ_NAME), new byte[1000]);
        ModelException e = assertThrows(ModelException.class, () -> FaceApiPackage.fetch(dir));
        assertTrue(e.getMessage().contains("expected " + FaceApiPackage.TGZ_SIZE + " bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("found 1000"), e.getMessage());
    }

    @Test
    void theRealPackageExtractsItsModelPhotosAndLicense() throws IOException {
        FaceApiPackage.Extracted f = FaceApiFixture.files();
        assertEquals(193_321L, Files.size(f.weights()));
        assertEquals(6, f.samples().size());
        assertTrue(Files.readString(f.license()).startsWith("MIT License"));
        // Fetching again finds the files intact and leaves nothing behind.
        assertEquals(f, FaceApiPackage.fetch(FaceApiFixture.DIR));
        try (var list = Files.list(FaceApiFixture.DIR)) {
            assertTrue(list.noneMatch(p -> p.getFileName().toString().startsWith(".")));
        }
    }

    @Test
    void tarReaderHandlesUstarPrefixesAndPaxNames() throws IOException {
        Map<String, byte[]> found = new LinkedHashMap<>();
        byte[] tgz = gzip(concat(
                entry("package/short.txt", "hello".getBytes(StandardCharsets.UTF_8), '0', null),
                entry("PaxHeader", pax("package/a/very/long/name.bin"), 'x', null),
                entry("ignored-by-pax", new byte[]{1, 2, 3}, '0', null),
                entry("name.json", "{}".getBytes(StandardCharsets.UTF_8), '0', "package/model"),
                entry("package/dir/", new byte[0], '5', null),
                new byte[1024]));
        TarGz.read(new ByteArrayInputStream(tgz), n -> true, (name, size, content) ->
                found.put(name, content.readAllBytes()));
        assertEquals(java.util.List.of("package/short.txt", "package/a/very/long/name.bin", "package/model/name.json"),
                java.util.List.copyOf(found.keySet()));
        assertEquals("hello", new String(found.get("package/short.txt"), StandardCharsets.UTF_8));
        assertEquals(3, found.get("package/a/very/long/name.bin").length);
    }

    /** A pax extended header holding one record, "LEN path=VALUE\n" (LEN counts the whole record). */
    private static byte[] pax(String path) {
        String rec = " path=" + path + "\n";
        int digits = 1;
        while (Integer.toString(digits + rec.length()).length() != digits) {
            digits++;
        }
        return ((digits + rec.length()) + rec).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] entry(String name, byte[] data, char type, String prefix) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 124, String.format("%011o", data.length));
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        if (prefix != null) {
            put(h, 345, prefix);
        }
        int padded = (data.length + 511) / 512 * 512;
        byte[] out = new byte[512 + padded];
        System.arraycopy(h, 0, out, 0, 512);
        System.arraycopy(data, 0, out, 512, data.length);
        return out;
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, at, b.length);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
