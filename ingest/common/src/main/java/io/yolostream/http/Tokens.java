package io.yolostream.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Tokens: made (random, 256 bits), compared (in constant time), kept in a file only its owner can read. */
public final class Tokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {
    }

    /** A new random token: 32 bytes, base64url without padding (43 characters, safe in URLs and headers). */
    public static String generate() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** {@code given} equals {@code token}, compared in time that does not depend on where they differ. */
    static boolean matches(String token, String given) {
        if (token == null || given == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(token), sha256(given));
    }

    /**
     * What the login cookie holds: a digest of the token (not the token itself, which may hold characters a cookie
     * cannot), so the cookie is worth the token but never shows it.
     */
    static String cookieValue(String token) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256("yolostream login cookie\n" + token));
    }

    /**
     * Writes the token to {@code file}, readable and writable by its owner only (mode 0600 where the file system
     * has POSIX permissions): created with that mode, then moved into place, so it is never readable by others.
     */
    public static void write(Path file, String token) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Files.deleteIfExists(tmp);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("token file " + file + ": expected a writable directory, found: " + e, e);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
