#!/bin/sh
# Publishes /videos/$DEMO_VIDEO to this MediaMTX's path in a loop, in real time (-re), as H.264 over RTSP/TCP:
# the compose file's demo camera. Without that file it publishes FFmpeg's moving test pattern instead, so the
# pipeline still shows frames flowing (a test pattern has no objects to detect: put a street or parking-lot clip
# in deploy/docker/videos/demo.mp4, or point DEMO_VIDEO_DIR / DEMO_VIDEO elsewhere, for real detections).
# MediaMTX sets RTSP_PORT and MTX_PATH for the commands it runs.
set -eu
video="/videos/${DEMO_VIDEO:-demo.mp4}"
target="rtsp://127.0.0.1:${RTSP_PORT:-8554}/${MTX_PATH:-demo}"
encode="-an -c:v libx264 -preset veryfast -tune zerolatency -pix_fmt yuv420p -g 50 -f rtsp -rtsp_transport tcp"
if [ -f "$video" ]; then
  echo "demo-camera: looping $video to $target" >&2
  # shellcheck disable=SC2086 # $encode is a list of arguments on purpose
  exec ffmpeg -hide_banner -loglevel warning -re -stream_loop -1 -i "$video" \
    -vf "scale='min(1280,iw)':-2" $encode "$target"
fi
echo "demo-camera: $video not found; publishing a test pattern to $target" >&2
# shellcheck disable=SC2086
exec ffmpeg -hide_banner -loglevel warning -re -f lavfi -i "testsrc2=size=1280x720:rate=25" $encode "$target"
