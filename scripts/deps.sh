#!/usr/bin/env bash
# Makes sure the C libraries LearnerLens links, and the Fashion-MNIST data it trains on, are installed (Debian/Ubuntu).
# As root it installs what is missing; otherwise it prints the exact command and stops.
set -euo pipefail
needed=(libcmark-dev libopenblas-dev libdnnl-dev zlib1g-dev libzip-dev libssl-dev libturbojpeg0-dev libpng-dev dataset-fashion-mnist pkg-config tmux)
missing=()
for p in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "Installing ${missing[*]} …" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${missing[@]}" >&2
else
  echo "LearnerLens needs: ${missing[*]}. Install them with:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
command -v swift >/dev/null || { echo "Swift is not on PATH: install Swift 6 (swift.org/install) first." >&2; exit 1; }
