package io.yolostream.ingest.source;

/** Live cameras may drop frames under backpressure; replays never do. Mirrors the Avro enum. */
public enum SourceKind { LIVE, REPLAY }
