#!/usr/bin/env bash
# Install dependencies, build, create the demo consultation in ./data on first
# run, and show it. (The web site, on http://127.0.0.1:8080, comes with
# `concerto serve`; until then this prints the ledger.)
#   DATA=dir scripts/run.sh    use another data directory
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc)"
data=${DATA:-data}
if [ ! -f "$data/ledger/data.mdb" ]; then
  ./build/concerto init --data "$data" --demo
fi
./build/concerto log --data "$data"
./build/concerto verify --data "$data"
./build/concerto checkpoint --data "$data"
