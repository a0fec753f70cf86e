package io.yolostream.detector.catalog;

/**
 * One file of a catalog model.
 *
 * @param role   what the file is
 * @param name   its file name in the cache (and on a mirror: {@code BASE/name})
 * @param origin which of the catalog's default base URLs it is published under
 * @param path   its path relative to that default base URL
 * @param size   its exact size in bytes, -1 when not pinned (darknet weights: the cfg fixes their size instead)
 * @param sha256 its SHA-256 (lower-case hex), null when not pinned; a download that differs is discarded
 */
public record ModelFile(Role role, String name, Origin origin, String path, long size, String sha256) {

    /** PACKAGE: an archive the model is extracted from (the face-api npm package). */
    public enum Role { CFG, WEIGHTS, NAMES, TREE, PACKAGE }

    /**
     * Where a file is published: darknet's weights on pjreddie.com, its cfgs and data files in its repository, an
     * npm package in the npm registry.
     */
    public enum Origin { WEIGHTS, REPOSITORY, NPM }

    public ModelFile {
        if (name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IllegalArgumentException("model file name must be a plain file name, found '" + name + "'");
        }
        if (sha256 != null && !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("model file " + name + ": sha256 must be 64 lower-case hex digits,"
                    + " found '" + sha256 + "'");
        }
    }

    /** A file with neither size nor hash pinned. */
    public ModelFile(Role role, String name, Origin origin, String path) {
        this(role, name, origin, path, -1, null);
    }

    /** This file with its exact size and SHA-256 pinned. */
    public ModelFile pinned(long bytes, String sha) {
        return new ModelFile(role, name, origin, path, bytes, sha);
    }
}
