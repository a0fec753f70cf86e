#!/usr/bin/python3
"""A small RTSP server for the ingest integration tests (Debian's gst-rtsp-server through PyGObject).

Serves one mount point, either
  --file F   an MP4 (H.264) file, looped forever at its own frame rate (every client starts at the file's first
             frame, so its first access unit is the file's first key frame), or
  --live     an endless live test pattern (videotestsrc is-live=true) encoded to H.264 as it plays,
optionally behind Basic authentication (--user/--password). Prints "READY <port>" once it listens.
Run it with /usr/bin/python3: the `gi` bindings are Debian packages (python3-gi, python3-gst-1.0).
"""
import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

H264_AU = "video/x-h264,stream-format=byte-stream,alignment=au"


def read_access_units(path):
    """All H.264 access units of the file (byte-stream, SPS/PPS repeated before key frames) and its frame rate."""
    pipeline = Gst.parse_launch(
        f'filesrc location="{path}" ! qtdemux ! h264parse config-interval=-1 ! {H264_AU} '
        "! appsink name=sink sync=false")
    sink = pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    units, fps = [], None
    while True:
        sample = sink.emit("pull-sample")
        if sample is None:
            break
        if fps is None:
            ok, num, den = sample.get_caps().get_structure(0).get_fraction("framerate")
            fps = num / den if ok and num > 0 and den > 0 else None
        buf = sample.get_buffer()
        units.append(buf.extract_dup(0, buf.get_size()))
    pipeline.set_state(Gst.State.NULL)
    if not units:
        sys.exit(f"rtsp_server: no H.264 access units in {path} (expected an MP4 with an H.264 video track)")
    return units, fps or 25.0


class LoopedFileFactory(GstRtspServer.RTSPMediaFactory):
    """Each client gets its own appsrc fed from memory at the file's frame rate, wrapping around at the end."""

    def __init__(self, units, fps):
        super().__init__()
        self.units, self.fps = units, fps
        self.set_launch(f"( appsrc name=src is-live=true do-timestamp=true format=time caps={H264_AU} "
                        "! h264parse config-interval=-1 ! rtph264pay name=pay0 pt=96 config-interval=1 )")
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


def live_launch(width, height, fps):
    if Gst.ElementFactory.find("openh264enc"):  # gstreamer1.0-plugins-bad
        encoder = f"openh264enc gop-size={int(fps)} complexity=low"
    else:  # gstreamer1.0-plugins-ugly
        encoder = f"x264enc tune=zerolatency speed-preset=ultrafast key-int-max={int(fps)}"
    return (f"( videotestsrc is-live=true pattern=ball ! video/x-raw,width={width},height={height},"
            f"framerate={int(fps)}/1 ! videoconvert ! {encoder} ! h264parse config-interval=-1 "
            "! rtph264pay name=pay0 pt=96 config-interval=1 )")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/cam")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--file", help="MP4 file with an H.264 track, served in a loop")
    source.add_argument("--live", action="store_true", help="an endless live test pattern")
    parser.add_argument("--fps", type=float, help="frame rate (live: default 25; file: default the file's)")
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()

    Gst.init(None)
    if args.file:
        units, file_fps = read_access_units(args.file)
        factory = LoopedFileFactory(units, args.fps or file_fps)
    else:
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(live_launch(args.width, args.height, args.fps or 25))
    factory.set_shared(False)  # every client starts from a key frame

    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    if args.user:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "user")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password or ""), token)
        server.set_auth(auth)
        factory.add_role_from_structure(Gst.Structure.new_from_string(
            "user, media.factory.access=(boolean)true, media.factory.construct=(boolean)true"))
    server.get_mount_points().add_factory(args.path, factory)
    if server.attach(None) == 0:
        sys.exit(f"rtsp_server: cannot listen on 127.0.0.1:{args.port}")
    print(f"READY {args.port}", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
