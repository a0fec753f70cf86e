package io.yolostream.wordtree;

/** A tree, names or map file that is not what it must be: the message names the file, what was expected and found. */
public class WordTreeException extends RuntimeException {
    public WordTreeException(String message) {
        super(message);
    }

    public WordTreeException(String message, Throwable cause) {
        super(message, cause);
    }
}
