#!/usr/bin/env bash
# End-to-end test of `concerto export` and `concerto verify --snapshot`: help
# and usage errors, the demo consultation exported twice byte for byte, an
# export at an earlier size, the files readable by standard tools (Python's
# csv and json modules, sha256sum), no personal data, and tampering caught
# with a message naming the file, row and column.
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

# --help, usage errors (exit 2).
expect_status 0 "$concerto" export --help
expect_grep "usage: concerto export --data DIR --out SNAPDIR \[--at SIZE\]" "$tmp/out"
expect_status 0 "$concerto" verify --help
expect_grep "concerto verify --snapshot SNAPDIR --key VERIFIER_KEY" "$tmp/out"
expect_status 0 "$concerto" --help
expect_grep "export" "$tmp/out"
expect_status 2 "$concerto" export
expect_status 2 "$concerto" export --data "$tmp/d"
expect_status 2 "$concerto" export --out "$tmp/s"
expect_status 2 "$concerto" export --data "$tmp/d" --out "$tmp/s" --at -1
expect_status 2 "$concerto" export --data "$tmp/d" --out "$tmp/s" --at 12x
expect_status 2 "$concerto" export --data "$tmp/d" --out "$tmp/s" extra
expect_status 2 "$concerto" verify --snapshot "$tmp/s"                  # the key is required
expect_status 2 "$concerto" verify --snapshot "$tmp/s" --data "$tmp/d" --key k
expect_grep "usage: concerto verify" "$tmp/err"

# A demo consultation and its snapshot.
export CONCERTO_ADMIN_PASSWORD=admin-password-for-tests
expect_status 0 "$concerto" init --data "$tmp/d" --demo --origin test.example/log
vkey=$(sed -n 's/^verifier key: //p' "$tmp/out")
size=$("$concerto" log --data "$tmp/d" --json | wc -l)
expect_status 0 "$concerto" export --data "$tmp/d" --out "$tmp/s1"
expect_grep "snapshot of $size entries written to $tmp/s1" "$tmp/out"
for f in checkpoint MANIFEST README.md LICENSE datapackage.json bodies.jsonl withheld.jsonl \
         data/participants.csv data/participants.jsonl data/contributions.csv data/votes.csv \
         data/statistics.csv data/trash.csv "tile/entries/000.p/$size" "tile/0/000.p/$size"; do
  [ -f "$tmp/s1/$f" ] && ok || bad "no $f"
done
[ ! -e "$tmp/s1/views" ] && ok || bad "temporary views left in the snapshot"
ls "$tmp" | grep -q partial && bad "partial directory left behind" || ok

# Verify with the key as text and from a file; a wrong key fails.
expect_status 0 "$concerto" verify --snapshot "$tmp/s1" --key "$vkey"
expect_grep "ok: snapshot of $size entries" "$tmp/out"
expect_status 0 "$concerto" verify --snapshot "$tmp/s1" --key "$tmp/d/keys/log.pub"
other=$(mktemp -d)
"$concerto" init --data "$other/d" --origin test.example/log >"$tmp/other" 2>&1
okey=$(sed -n 's/^verifier key: //p' "$tmp/other")
rm -rf "$other"
expect_status 1 "$concerto" verify --snapshot "$tmp/s1" --key "$okey"
expect_grep "concerto verify: FAILED: checkpoint: signature verification failed" "$tmp/err"
expect_status 1 "$concerto" verify --snapshot "$tmp/nonexistent" --key "$vkey"

# Byte-identical re-export; never over an existing directory; not beyond the log.
expect_status 0 "$concerto" export --data "$tmp/d" --out "$tmp/s2"
diff -r "$tmp/s1" "$tmp/s2" >/dev/null && ok || bad "two exports differ"
expect_status 1 "$concerto" export --data "$tmp/d" --out "$tmp/s2"
expect_grep "concerto export: .*already exists" "$tmp/err"
expect_status 1 "$concerto" export --data "$tmp/d" --out "$tmp/s9" --at $((size + 1))
expect_grep "beyond the end of the log" "$tmp/err"
[ ! -e "$tmp/s9" ] && ok || bad "failed export left a directory"

# An earlier size: different files, still verifiable.
expect_status 0 "$concerto" export --data "$tmp/d" --out "$tmp/early" --at 20
expect_grep "snapshot of 20 entries" "$tmp/out"
[ "$(sed -n 2p "$tmp/early/checkpoint")" = 20 ] && ok || bad "checkpoint size at 20"
diff -q "$tmp/s1/data/sections.csv" "$tmp/early/data/sections.csv" >/dev/null \
  && bad "--at 20 gave the same sections" || ok
expect_status 0 "$concerto" verify --snapshot "$tmp/early" --key "$vkey"
expect_status 0 "$concerto" export --data "$tmp/d" --out "$tmp/empty" --at 0
expect_status 0 "$concerto" verify --snapshot "$tmp/empty" --key "$vkey"

# Standard tools read it: RFC 4180 CSV, JSON Lines, Frictionless, sha256sum.
python3 - "$tmp/s1" <<'PY' && ok || bad "python readers"
import csv, io, json, os, sys
root = sys.argv[1]
pkg = json.load(open(os.path.join(root, "datapackage.json"), encoding="utf-8"))
assert pkg["profile"] == "tabular-data-package"
tables = [r for r in pkg["resources"] if r.get("format") == "csv"]
assert len(tables) >= 15, len(tables)
for r in tables:
    raw = open(os.path.join(root, r["path"]), "rb").read()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline=""), strict=True))
    names = [f["name"] for f in r["schema"]["fields"]]
    assert rows[0] == names, (r["path"], rows[0], names)
    assert all(len(x) == len(names) for x in rows), r["path"]
    assert all(f.get("description") and f.get("description_en") for f in r["schema"]["fields"])
    lines = open(os.path.join(root, r["path"].replace(".csv", ".jsonl")), encoding="utf-8").read().splitlines()
    assert len(lines) == len(rows) - 1, r["path"]
    for line, row in zip(lines, rows[1:]):
        obj = json.loads(line)
        assert list(obj) == names
        for f, cell in zip(r["schema"]["fields"], row):
            v = obj[f["name"]]
            if cell == "":
                assert v is None
            elif f["type"] == "integer":
                assert v == int(cell)
            elif f["type"] == "boolean":
                assert v == (cell == "true")
            else:
                assert v == cell, (f["name"], v, cell)
for line in open(os.path.join(root, "bodies.jsonl"), encoding="utf-8"):
    json.loads(line)
PY
(cd "$tmp/s1" && awk '{print $1 "  " $3}' MANIFEST | sha256sum -c --quiet -) && ok || bad "sha256sum -c"
[ "$(find "$tmp/s1" -type f ! -name MANIFEST | wc -l)" -eq "$(wc -l <"$tmp/s1/MANIFEST")" ] \
  && ok || bad "MANIFEST does not list every file"
grep -q "^[0-9a-f]\{64\} 7 data/participants.csv$" "$tmp/s1/MANIFEST" && ok || bad "row count"

# No personal data: no e-mail address, no username, no password hash.
grep -rqE '[A-Za-z0-9.-]+@[A-Za-z0-9-]+\.(example|localdomain)' "$tmp/s1" \
  && bad "an e-mail address is in the snapshot" || ok
grep -rq 'argon2' "$tmp/s1" && bad "a password hash is in the snapshot" || ok
grep -rqw 'parents-eleves\|mairie-exemple\|camille\|lucas' "$tmp/s1/data" \
  && bad "a username is in the tables" || ok
[ "$(head -1 "$tmp/s1/data/participants.csv")" = $'pseudonym,status,organisation,registered_on,erased\r' ] \
  && ok || bad "participants header"

# Tampering in copies: each caught, named.
tamper() { rm -rf "$tmp/t"; cp -r "$tmp/s1" "$tmp/t"; }
tamper; sed -i 's/Former au code dès le collège/Former au code dès la crèche/' "$tmp/t/data/contributions.csv"
expect_status 1 "$concerto" verify --snapshot "$tmp/t" --key "$vkey"
expect_grep 'FAILED: data/contributions.csv: row [0-9]*, column title: expected "Former au code dès le collège", found "Former au code dès la crèche"' "$tmp/err"
tamper; sed -i '3d' "$tmp/t/data/votes.csv"
expect_status 1 "$concerto" verify --snapshot "$tmp/t" --key "$vkey"
expect_grep "FAILED: data/votes.csv: row 2: missing row" "$tmp/err"
tamper; sed -i '2p' "$tmp/t/data/votes.csv"
expect_status 1 "$concerto" verify --snapshot "$tmp/t" --key "$vkey"
expect_grep "FAILED: data/votes.csv: row 2: extra row" "$tmp/err"
tamper; sed -i 's/consolider les bases/consolider la base/' "$tmp/t/bodies.jsonl"
expect_status 1 "$concerto" verify --snapshot "$tmp/t" --key "$vkey"
expect_grep "FAILED: bodies.jsonl: line [0-9]*: body does not match its commitment" "$tmp/err"
tamper; printf x >>"$tmp/t/tile/entries/000.p/$size"
expect_status 1 "$concerto" verify --snapshot "$tmp/t" --key "$vkey"
expect_grep "FAILED: tile/entries/000.p/$size: malformed entry bundle" "$tmp/err"
tamper; sed -i '$d' "$tmp/t/MANIFEST"
expect_status 1 "$concerto" verify --snapshot "$tmp/t" --key "$vkey"
expect_grep "FAILED: MANIFEST: line" "$tmp/err"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
