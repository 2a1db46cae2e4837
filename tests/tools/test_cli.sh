#!/usr/bin/env bash
# End-to-end test of the concerto CLI: init --demo, log, checkpoint, verify,
# --help, usage errors, and verify catching tampering in the data file.
set -u
concerto=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
expect_status() { # expected command...
  local want=$1; shift
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then ok; else bad "exit $got (want $want): $*"; cat "$tmp/err"; fi
}
expect_grep() { # pattern file
  if grep -q -- "$1" "$2"; then ok; else bad "'$1' not in $2:"; head -5 "$2"; fi
}

# --help on each command, exit 0, and usage errors exit 2.
for c in init log checkpoint verify replay; do
  expect_status 0 "$concerto" "$c" --help
  expect_grep "usage: concerto $c" "$tmp/out"
  expect_status 2 "$concerto" "$c" --no-such-option
done
expect_status 2 "$concerto" frobnicate
expect_status 2 "$concerto" log
expect_status 2 "$concerto" log --data "$tmp/x" --from -3

# init --demo
export CONCERTO_ADMIN_PASSWORD=admin-password-for-tests
expect_status 0 "$concerto" init --data "$tmp/d" --demo --origin test.example/log
expect_grep "verifier key: test.example/log+[0-9a-f]\{8\}+" "$tmp/out"
vkey=$(sed -n 's/^verifier key: //p' "$tmp/out")
[ "$(stat -c %a "$tmp/d/keys/log.key")" = 600 ] && ok || bad "key file mode"
[ -f "$tmp/d/ledger/data.mdb" ] && ok || bad "no data.mdb"
expect_status 1 "$concerto" init --data "$tmp/d"   # never over an existing ledger
expect_grep "already holds a ledger" "$tmp/err"

# log: human and JSON; the demo's five themes and fifteen sections.
expect_status 0 "$concerto" log --data "$tmp/d"
[ "$(grep -c ' theme.created ' "$tmp/out")" -eq 5 ] && ok || bad "5 themes"
[ "$(grep -c ' section.created ' "$tmp/out")" -eq 15 ] && ok || bad "15 sections"
expect_grep "Former au code" "$tmp/out"
expect_grep "item.trashed" "$tmp/out"
expect_status 0 "$concerto" log --data "$tmp/d" --json --from 3 --limit 2
[ "$(wc -l <"$tmp/out")" -eq 2 ] && ok || bad "--limit 2"
expect_grep '^{"seq":3,"ty":"' "$tmp/out"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/out" && ok || bad "JSON lines"
size=$("$concerto" log --data "$tmp/d" --json | wc -l)

# checkpoint: C2SP format, size = log size, signed by our key.
expect_status 0 "$concerto" checkpoint --data "$tmp/d"
[ "$(sed -n 1p "$tmp/out")" = "test.example/log" ] && ok || bad "origin line"
[ "$(sed -n 2p "$tmp/out")" = "$size" ] && ok || bad "size line"
expect_grep "^— test.example/log " "$tmp/out"

# verify: ok, with the printed key; wrong key fails.
expect_status 0 "$concerto" verify --data "$tmp/d"
expect_grep "ok: $size entries" "$tmp/out"
expect_status 0 "$concerto" verify --data "$tmp/d" --key "$vkey"
other=$(mktemp -d)
"$concerto" init --data "$other/d" --origin test.example/log >"$tmp/other" 2>&1
okey=$(sed -n 's/^verifier key: //p' "$tmp/other")
rm -rf "$other"
expect_status 1 "$concerto" verify --data "$tmp/d" --key "$okey"
expect_grep "checkpoint: signature verification failed" "$tmp/err"
expect_status 1 "$concerto" verify --data "$tmp/d" --key "garbage"
expect_grep "invalid key" "$tmp/err"

# replay: rebuilds state and views from the log, then the ledger still verifies.
expect_status 0 "$concerto" replay --data "$tmp/d"
expect_grep "write-side state: $size events" "$tmp/out"
expect_grep "views: $size events" "$tmp/out"
[ -f "$tmp/d/views/data.mdb" ] && ok || bad "no views env"
expect_status 0 "$concerto" verify --data "$tmp/d"
expect_status 1 "$concerto" replay --data "$tmp/nonexistent"

# Tampering: flip a byte of a body text, then of an event, in copies.
tamper() { # copy pattern offset-in-pattern
  rm -rf "$tmp/t"; cp -r "$tmp/d" "$tmp/t"
  python3 - "$tmp/t/ledger/data.mdb" "$1" "$2" <<'PY'
import sys
path, pattern, off = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3])
data = bytearray(open(path, 'rb').read())
# Copy-on-write leaves stale copies of pages in the file: alter every copy so
# the live one is surely hit.
i, hits = data.find(pattern), 0
while i >= 0:
    data[i + off] ^= 0x01
    hits += 1
    i = data.find(pattern, i + 1)
assert hits > 0, "pattern not found"
open(path, 'wb').write(bytes(data))
PY
}
tamper "Former au code" 3
expect_status 1 "$concerto" verify --data "$tmp/t"
expect_grep "body does not match its commitment" "$tmp/err"
tamper "contribution.posted" 2
expect_status 1 "$concerto" verify --data "$tmp/t"
expect_grep "record checksum mismatch" "$tmp/err"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
