#!/usr/bin/env bash
# Installs every Debian package concerto needs to build, test and benchmark.
# Packages already installed are skipped, so a second run does nothing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config clang
  liblmdb-dev lmdb-utils libuv1-dev libmsgpack-dev libh2o-dev libssl-dev libxxhash-dev
  libsodium-dev libcmark-dev libjansson-dev libcurl4-openssl-dev
  libcmocka-dev libsqlite3-dev python3-aiosmtpd
  chromium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
