#!/usr/bin/python3
"""The demo RTSP camera of the local stand-in images (deploy/docker/local-images.sh): Debian's gst-rtsp-server.

  demo-camera                  serve rtsp://0.0.0.0:8554/demo: /videos/$DEMO_VIDEO looped when that file exists
                               (an MP4 with an H.264 track), else the clip made when the image was built
  demo-camera --probe          healthcheck: DESCRIBE the stream on 127.0.0.1, exit 0 when it offers a video track
  demo-camera --make-clip OUT  write the built-in clip (a moving test pattern, 640x360, 25 fps, 10 s, H.264 MP4)

The same contract as the compose file's public default camera (MediaMTX looping /videos/$DEMO_VIDEO through
ffmpeg), so docker-compose.local.yml only swaps the image and the healthcheck. Each client gets its own copy of the
stream starting at the file's first key frame; at the end of the file it starts over, timestamps running on.
Environment: DEMO_VIDEO (default demo.mp4), DEMO_CAMERA_PORT (8554), DEMO_CAMERA_PATH (demo).
"""
import os
import socket
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

H264_AVC = "video/x-h264,stream-format=avc,alignment=au"
BUILT_IN = "/usr/share/demo-camera/demo.mp4"


def make_clip(out):
    fps = 25
    if Gst.ElementFactory.find("openh264enc"):  # gstreamer1.0-plugins-bad (which gst-rtsp-server needs anyway)
        encoder = f"openh264enc gop-size={fps} complexity=low"
    else:  # gstreamer1.0-plugins-ugly
        encoder = f"x264enc speed-preset=veryfast key-int-max={fps} bframes=0"
    pipeline = Gst.parse_launch(
        f"videotestsrc num-buffers={10 * fps} pattern=smpte horizontal-speed=4 "
        f"! video/x-raw,width=640,height=360,framerate={fps}/1 ! videoconvert ! {encoder} "
        f'! h264parse ! {H264_AVC} ! mp4mux ! filesink location="{out}"')
    pipeline.set_state(Gst.State.PLAYING)
    msg = pipeline.get_bus().timed_pop_filtered(Gst.CLOCK_TIME_NONE, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if msg.type == Gst.MessageType.ERROR:
        sys.exit(f"demo-camera: cannot write {out}: {msg.parse_error()[0].message}")
    print(f"demo-camera: wrote {out}")


def read_access_units(path):
    """The H.264 access units of the file as the MP4 holds them (avc: SPS/PPS in the caps' codec_data), the caps and
    the frame rate."""
    pipeline = Gst.parse_launch(
        f'filesrc location="{path}" ! qtdemux ! {H264_AVC} ! appsink name=sink sync=false')
    sink = pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    units, caps, fps = [], None, None
    while True:
        sample = sink.emit("pull-sample")
        if sample is None:
            break
        if caps is None:
            caps = sample.get_caps()
            ok, num, den = caps.get_structure(0).get_fraction("framerate")
            fps = num / den if ok and num > 0 and den > 0 else None
        buf = sample.get_buffer()
        units.append(buf.extract_dup(0, buf.get_size()))
    pipeline.set_state(Gst.State.NULL)
    if not units:
        sys.exit(f"demo-camera: {path}: expected an MP4 file with an H.264 video track, found no H.264 frames")
    return units, caps.to_string(), fps or 25.0


class LoopedFileFactory(GstRtspServer.RTSPMediaFactory):
    """Each client gets its own appsrc fed from memory at the file's frame rate, wrapping around at the end."""

    def __init__(self, units, caps, fps):
        super().__init__()
        self.units, self.fps = units, fps
        # rtph264pay sends SPS/PPS (from codec_data) before every key frame: a client can start at any of them
        self.set_launch(f'( appsrc name=src is-live=true do-timestamp=true format=time caps="{caps}" '
                        "! rtph264pay name=pay0 pt=96 config-interval=-1 )")
        self.set_shared(False)  # every client starts from a key frame
        self.connect("media-configure", self.on_media_configure)

    def on_media_configure(self, _factory, media):
        src = media.get_element().get_by_name_recurse_up("src")
        state = {"next": 0}

        def push():
            data = self.units[state["next"] % len(self.units)]
            state["next"] += 1
            buf = Gst.Buffer.new_wrapped(data)
            buf.duration = int(Gst.SECOND / self.fps)
            # FLUSHING/EOS once the client is gone: stop this client's timer
            return src.emit("push-buffer", buf) == Gst.FlowReturn.OK

        GLib.timeout_add(max(1, int(round(1000 / self.fps))), push)


def serve(port, path):
    video = os.path.join("/videos", os.environ.get("DEMO_VIDEO") or "demo.mp4")
    source = video if os.path.isfile(video) else BUILT_IN
    units, caps, fps = read_access_units(source)
    server = GstRtspServer.RTSPServer()
    server.set_address("0.0.0.0")
    server.set_service(str(port))
    server.get_mount_points().add_factory("/" + path, LoopedFileFactory(units, caps, fps))
    if server.attach(None) == 0:
        sys.exit(f"demo-camera: cannot listen on port {port}")
    print(f"demo-camera: looping {source} ({len(units)} frames at {fps:g} fps) as rtsp://0.0.0.0:{port}/{path}"
          + ("" if source == video else f" ({video} not found)"), flush=True)
    GLib.MainLoop().run()


def probe(port, path):
    url = f"rtsp://127.0.0.1:{port}/{path}"
    request = f"DESCRIBE {url} RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n\r\n".encode("ascii")
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(request)
            answer = b""
            while b"\r\n\r\n" not in answer or (b"m=video" not in answer and len(answer) < 65536):
                chunk = s.recv(4096)
                if not chunk:
                    break
                answer += chunk
    except OSError as e:
        sys.exit(f"demo-camera: {url}: {e}")
    status = answer.split(b"\r\n", 1)[0].decode("latin-1")
    if status.startswith("RTSP/1.0 200") and b"m=video" in answer:
        return
    sys.exit(f"demo-camera: {url}: expected 200 with a video track, found '{status or 'nothing'}'")


def main():
    port = int(os.environ.get("DEMO_CAMERA_PORT") or 8554)
    path = (os.environ.get("DEMO_CAMERA_PATH") or "demo").strip("/")
    args = sys.argv[1:]
    if args == ["--probe"]:
        probe(port, path)
        return
    Gst.init(None)
    if len(args) == 2 and args[0] == "--make-clip":
        make_clip(args[1])
    elif not args:
        serve(port, path)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
