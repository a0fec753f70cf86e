#!/usr/bin/env bash
# Records darknet's own outputs for DarknetRecordedTest (recorded/<model>-<W>x<H>.txt beside this script):
#   - yolo9000: darknet's CPU tree softmax is broken upstream (wrong indexing, temperature 0); built here with the
#     one fix, darknet-softmax-tree.patch (the GPU kernel's per-group softmax; flat models do not reach that code);
#   - yolov2-tiny-voc with darknet's default build (no OpenCV: JPEGs decoded by stb_image, as detect-image does by
#     default), where Debian's binary, used by DarknetConformanceTest, decodes with OpenCV.
# darknet is Debian's source package of the last upstream commit (pjreddie 61c9d02e), fetched from a Debian mirror
# (checksums pinned below), Debian's patches applied, then the fix; `make` with darknet's own Makefile defaults.
# Inputs (photos, crops, cfgs at each size, seeded random weights) come from the test code (RecordedCases), so the
# test regenerates exactly what darknet saw.
#
# Usage: record-darknet.sh [WORK_DIR]   (needs curl, xz-utils, patch, gcc, make, a JDK; 5-10 minutes of CPU)
# Env: DEBIAN_MIRROR (default http://deb.debian.org/debian)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)
module=$(cd "$here/../../../.." && pwd)         # <module>/src/test/resources/conformance
work=${1:-$(mktemp -d)}
mkdir -p "$work" && work=$(cd "$work" && pwd)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
version=0.0.0+git20180914.61c9d02e
orig=darknet_${version}.orig.tar.xz
debian=darknet_${version}-2.debian.tar.xz
echo "work dir: $work"

# 1. darknet: Debian's source package, its patches, the fix, darknet's default build.
cd "$work"
for f in "$orig" "$debian"; do
  [ -f "$f" ] || curl -fsSL -o "$f" "$mirror/pool/main/d/darknet/$f"
done
sha256sum -c - <<SUMS
ec536ae11853846aab96183d8ec18730a46cce71f7d935768d235029329f9e93  $orig
3d987cbe63e04ec6c106370fbcb9778b2a83cad810e132c27021e6227fd4d6e6  $debian
SUMS
rm -rf darknet && tar xf "$orig" && tar xf "$debian" -C darknet
(cd darknet && while read -r p; do patch -s -p1 < "debian/patches/$p"; done < debian/patches/series \
  && patch -p1 < "$here/darknet-softmax-tree.patch")
(cd darknet && make -j"$(nproc)" > ../build.log 2>&1) || { tail -30 build.log; exit 1; }
darknet=$work/darknet/darknet

# 2. The inputs, from the test code.
rel=${module#"$repo"/}
"$repo/mvnw" -B -q -f "$repo/pom.xml" -pl "$rel" -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath.txt"
java -cp "$module/target/test-classes:$module/target/classes:$(cat "$work/classpath.txt")" \
  io.yolostream.detector.conformance.RecordedCases "$work/inputs" > "$work/cases.txt"

# 3. darknet detector valid per case (one results file per class: yolo9000 has 9418).
ulimit -n 16384 || { echo "needs ulimit -n 16384: valid opens one file per class" >&2; exit 1; }
weights_id=$(sed -n 's/^weights //p' "$work/cases.txt")
mkdir -p "$here/recorded"
grep '^case ' "$work/cases.txt" | while read -r _ tag data cfg weights results; do
  echo "darknet detector valid: $tag"
  (cd "$work/inputs" && "$darknet" detector valid "$data" "$cfg" "$weights") > "$work/$tag.log" 2>&1
  out=$here/recorded/$tag.txt
  {
    echo "# darknet detector valid (threshold 0.005, hierarchy 0.5, NMS 0.45) on $tag, recorded by record-darknet.sh:"
    echo "# Debian source package darknet ${version}-2 (pjreddie 61c9d02e), default make (no OpenCV: stb_image),"
    echo "# with darknet-softmax-tree.patch. Lines: image class prob xmin ymin xmax ymax (as valid prints them)."
    echo "# weights: $weights_id"
    for f in "$results"/comp4_det_test_*.txt; do
      class=${f##*_}
      awk -v c="${class%.txt}" '{ print $1, c, $2, $3, $4, $5, $6 }' "$f"
    done | LC_ALL=C sort -k1,1 -k2,2n -k3,3r
  } > "$out"
  echo "  $(grep -vc '^#' "$out") boxes -> $out"
done
