# Stand-in for the demo camera (the demo-camera image of docker-compose.yml, public bluenviron/mediamtx with
# ffmpeg): Debian's gst-rtsp-server serving rtsp://demo-camera:8554/demo, looping /videos/$DEMO_VIDEO (an H.264
# MP4) or a clip made here at build time (demo-camera/demo_camera.py). Built by deploy/docker/local-images.sh, with
# deploy/docker as the build context. (Large for what it does: Debian's gst-rtsp-server depends on
# gstreamer1.0-plugins-bad, which brings Mesa, GTK and libavcodec along.)
ARG DEBIAN_IMAGE=yolostream-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-gi \
      gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10002 camera \
 && useradd --system --uid 10002 --gid camera --no-create-home --shell /usr/sbin/nologin camera \
 && mkdir -p /usr/share/demo-camera /videos
COPY local/demo-camera/demo_camera.py /usr/local/bin/demo-camera
RUN demo-camera --make-clip /usr/share/demo-camera/demo.mp4
USER 10002:10002
EXPOSE 8554
HEALTHCHECK --interval=15s --timeout=10s --start-period=20s --retries=5 CMD ["demo-camera", "--probe"]
ENTRYPOINT ["demo-camera"]
