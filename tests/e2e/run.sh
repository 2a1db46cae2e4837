#!/usr/bin/env bash
# Browser tests of concerto's public site (tests/e2e).
#
#   tests/e2e/run.sh [PATH/TO/concerto] [TEST FILE...]
#
# Installs the npm packages of tests/e2e (playwright-core, axe-core; a
# local cache, no browser download), creates a fresh data dir with the demo
# consultation, starts `concerto serve` on a free loopback port, runs the
# tests with node's test runner in Debian's Chromium (/usr/bin/chromium),
# then stops the server with SIGTERM. Exits non-zero when a test fails or
# the server cannot start.
#
# Environment: CONCERTO_E2E_KEEP=1 keeps the data dir (mail, access log);
# CONCERTO_E2E_ARTIFACTS sets where failure screenshots go (default
# tests/e2e/artifacts).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-$root/build/concerto}"
shift || true

die() { echo "e2e: $*" >&2; exit 1; }

command -v node >/dev/null 2>&1 ||
  die "node is not installed: the browser tests need Node.js >= 20 and npm (apt-get install -y nodejs npm)"
command -v npm >/dev/null 2>&1 || die "npm is not installed (apt-get install -y npm)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || die "node $(node --version) is too old: the tests need Node.js >= 20"
[ -x /usr/bin/chromium ] ||
  die "/usr/bin/chromium not found: install Debian's chromium (scripts/install-deps.sh, or apt-get install -y chromium)"
[ -x "$bin" ] || die "concerto binary not found at $bin (build first, or give its path)"

# npm packages: exactly the lock when there is one, into a cache of our own.
cd "$here"
export npm_config_cache="$here/.npm-cache"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
if [ -f package-lock.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --prefer-offline --loglevel=error >&2 || die "npm ci failed"
  fi
else
  npm install --prefer-offline --loglevel=error >&2 || die "npm install failed"
fi

data="$(mktemp -d "${TMPDIR:-/tmp}/concerto-e2e.XXXXXX")"
server_pid=""
# Stops the server with SIGTERM and waits (10 s at most) for it; returns
# its exit status (0 after a graceful stop).
stop_server() {
  local pid="$server_pid" rc=0
  [ -n "$pid" ] || return 0
  server_pid=""
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "e2e: the server did not stop within 10 s of SIGTERM" >&2
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    return 1
  fi
  wait "$pid" 2>/dev/null || rc=$?
  return "$rc"
}
cleanup() {
  stop_server || true
  if [ "${CONCERTO_E2E_KEEP:-0}" = 1 ]; then
    echo "e2e: data dir kept: $data" >&2
  else
    rm -rf "$data"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export CONCERTO_ADMIN_PASSWORD="e2e-admin-password-$$"
"$bin" init --data "$data/site" --demo >"$data/init.log" 2>&1 || {
  cat "$data/init.log" >&2
  die "concerto init failed"
}

# The journeys log in, register and post more often than a real visitor
# does from one address: raise the rate limits (the C tests cover them).
"$bin" serve --data "$data/site" --listen 127.0.0.1:0 --threads 2 \
  --access-log "$data/access.log" \
  --rate-limit login=1000/60 --rate-limit login_name=1000/60 --rate-limit register=1000/60 \
  --rate-limit reset=1000/60 --rate-limit post=1000/60 --rate-limit flag=1000/60 \
  --rate-limit contact=1000/60 \
  >"$data/serve.out" 2>"$data/serve.err" &
server_pid=$!

base=""
for _ in $(seq 1 300); do
  base="$(grep -o 'listening on http://[0-9.:]*' "$data/serve.out" "$data/serve.err" 2>/dev/null |
    head -n1 | sed 's/.*listening on //')" || true
  [ -n "$base" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$base" ]; then
  cat "$data/serve.out" "$data/serve.err" >&2
  die "the server did not start (no 'listening on' line within 30 s)"
fi
echo "e2e: concerto serving $base (data $data/site)" >&2

export CONCERTO_E2E_BASE_URL="$base"
export CONCERTO_E2E_DATA="$data/site"

if [ $# -eq 0 ]; then set -- "$here"/*.test.js; fi
status=0
node --test --test-concurrency=1 --test-reporter=spec "$@" || status=$?

if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "e2e: the server died during the tests:" >&2
  tail -n 50 "$data/serve.err" >&2
  status=1
fi
server_rc=0
stop_server || server_rc=$?
if [ "$server_rc" -ne 0 ]; then
  echo "e2e: the server exited with status $server_rc after SIGTERM (expected 0):" >&2
  tail -n 50 "$data/serve.err" >&2
  status=1
fi
exit "$status"
