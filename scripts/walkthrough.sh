#!/usr/bin/env bash
# The main job: installs missing system libraries, builds in release mode and runs the Lesson 1
# walkthrough (extra arguments go to `learnerlens run`, e.g. --set arch=resnet50).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
swift build -c release --product learnerlens >&2
exec .build/release/learnerlens run "$@"
