#!/usr/bin/env bash
# Install dependencies, build, create the demo consultation in ./data on first
# run, and serve it on http://127.0.0.1:8080 (Ctrl-C stops it cleanly).
#   DATA=dir LISTEN=addr:port scripts/run.sh    other data directory / address
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc)"
data=${DATA:-data}
if [ ! -f "$data/ledger/data.mdb" ]; then
  ./build/concerto init --data "$data" --demo
fi
./build/concerto verify --data "$data"
exec ./build/concerto serve --data "$data" --listen "${LISTEN:-127.0.0.1:8080}"
