package io.yolostream.detector.catalog;

/**
 * One file of a catalog model.
 *
 * @param role   what the file is
 * @param name   its file name in the cache (and on a mirror: {@code BASE/name})
 * @param origin which of the catalog's default base URLs it is published under
 * @param path   its path relative to that default base URL
 */
public record ModelFile(Role role, String name, Origin origin, String path) {

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
    }
}
