/**
 * Typed configuration shared by every yolostream service (it lives in ingest, the module every other one depends
 * on): each key declared once, resolved as defaults &lt; file &lt; environment &lt; flags, all problems at once.
 */
package io.yolostream.config;
