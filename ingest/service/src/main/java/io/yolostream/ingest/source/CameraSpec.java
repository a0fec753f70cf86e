package io.yolostream.ingest.source;

import io.yolostream.config.Echo;
import io.yolostream.config.UrlMasker;
import io.yolostream.ingest.IngestException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One camera as configured (file or control API).
 *
 * @param url       RTSP URL or a video file path; may carry credentials (never printed: see {@link #toString()})
 * @param targetFps frames per second to publish (decoded frames are sampled down to it); 0 = every frame
 * @param maxWidth  resize larger frames down to fit, keeping the aspect ratio; 0 = no limit
 * @param quality   JPEG quality 1..100
 * @param transport how an RTSP camera's media is carried (ignored for other URLs and files)
 */
public record CameraSpec(String id, String url, double targetFps, int maxWidth, int maxHeight, int quality,
                         RtspTransport transport) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public CameraSpec {
        List<String> problems = new ArrayList<>();
        if (id == null || !ID.matcher(id).matches()) {
            problems.add("id: expected 1-64 characters of A-Z a-z 0-9 . _ -, found '" + Echo.of(id) + "'");
        }
        if (url == null || url.isBlank()) {
            problems.add("url: expected an rtsp:// URL or a file path, found none");
        }
        if (!(targetFps >= 0 && targetFps <= 240)) {
            problems.add("fps: expected 0..240 (0 = every frame), found " + targetFps);
        }
        if (maxWidth < 0 || maxHeight < 0) {
            problems.add("max width/height: expected >= 0 (0 = no limit), found " + maxWidth + "x" + maxHeight);
        }
        if (quality < 1 || quality > 100) {
            problems.add("quality: expected 1..100, found " + quality);
        }
        if (transport == null) {
            problems.add("transport: expected one of " + String.join(", ", RtspTransport.VALUES) + ", found none");
        }
        if (!problems.isEmpty()) {
            // an invalid id is shown once, in its problem
            throw new IngestException("camera" + (id != null && ID.matcher(id).matches() ? " " + id : "") + ": "
                    + String.join("; ", problems));
        }
    }

    /** A camera with RTSP over TCP (the default transport). */
    public CameraSpec(String id, String url, double targetFps, int maxWidth, int maxHeight, int quality) {
        this(id, url, targetFps, maxWidth, maxHeight, quality, RtspTransport.TCP);
    }

    /** A network stream (or something that is not a file), not a video file. */
    public boolean isLive() {
        try {
            return !CameraUrl.parse(url).isFile();
        } catch (IngestException e) {
            return true;
        }
    }

    public String maskedUrl() {
        return UrlMasker.mask(url);
    }

    @Override
    public String toString() {
        return "CameraSpec[id=" + id + ", url=" + maskedUrl() + ", fps=" + targetFps + ", max=" + maxWidth + "x"
                + maxHeight + ", quality=" + quality + ", transport=" + transport + "]";
    }
}
