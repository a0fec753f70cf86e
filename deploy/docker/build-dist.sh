#!/bin/sh
# Builds the yolostream distribution inside the image build (deploy/docker/Dockerfile, run from the source root):
#   build-dist.sh cpu|gpu OUT
# `mvn package` of the deploy module and every module it needs (-pl deploy -am: no module list to keep in step
# with the reactor), then the launcher's lib folder (deploy/pom.xml's ${yolostream.lib}, every runtime jar) copied
# to OUT. This is the one place that knows the Maven command line and the distribution layout.
#   cpu: -Pcpu, the CPU-only ONNX Runtime jar (~54 MB); gpu: the default build, onnxruntime_gpu (CUDA 12, cuDNN 9).
set -eu
flavour=$1
out=$2
lib=deploy/target/yolostream/lib
case "$flavour" in
  cpu) profiles=-Pcpu ;;
  gpu) profiles= ;;
  *) echo "build-dist.sh: expected cpu or gpu, found '$flavour'" >&2; exit 2 ;;
esac
# tests are compiled (deploy's test scope needs ingest's test-jar from the reactor) but not run: CI runs them
# shellcheck disable=SC2086 # $profiles is empty or one word
sh deploy/docker/mvn.sh deploy/docker/ca-certificates $profiles -pl deploy -am -DskipTests package
# the two ONNX Runtime jars carry the same classes with different natives: exactly the expected one
gpu_jars=$(find "$lib" -name 'onnxruntime_gpu-*.jar' | wc -l)
cpu_jars=$(find "$lib" -name 'onnxruntime-[0-9]*.jar' | wc -l)
if [ "$flavour" = cpu ] && { [ "$cpu_jars" != 1 ] || [ "$gpu_jars" != 0 ]; }; then
  echo "build-dist.sh: expected one onnxruntime jar and no onnxruntime_gpu in $lib" >&2
  exit 1
fi
if [ "$flavour" = gpu ] && { [ "$gpu_jars" != 1 ] || [ "$cpu_jars" != 0 ]; }; then
  echo "build-dist.sh: expected one onnxruntime_gpu jar and no CPU onnxruntime in $lib" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
cp -r "$lib" "$out"
echo "build-dist.sh: $(find "$out" -name '*.jar' | wc -l) jars, $(du -sm "$out" | cut -f1) MB in $out ($flavour)"
