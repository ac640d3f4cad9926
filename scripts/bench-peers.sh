#!/usr/bin/env bash
# Peer codegen + build cost (BENCHMARKS.md, "Peers"). Not run in CI: it
# installs openapi-generator (PyPI `openapi-generator-cli`, which bundles the
# jar and runs on the machine's Java) into a venv under /tmp, and does cold
# cargo builds that take minutes.
#
#   scripts/bench-peers.sh            # everything
#   RUNS=5 scripts/bench-peers.sh     # more codegen repetitions (default 3)
#   PEER_BUILD=0 scripts/bench-peers.sh   # skip building openapi-generator's crate
#   FACADE_BUILD=0 scripts/bench-peers.sh # skip the facade build (only one provider vs openapi-generator's)
#   COLD_ONLY=1 scripts/bench-peers.sh    # cold builds only (no no-op, touch, edit, own-packages rebuilds)
#
# It measures:
#   1. codegen wall time of the five specs: our generator (the release bench
#      binary's `codegen-once`, one process, in-process time too) against
#      openapi-generator's `rust` generator (one JVM per spec, as its CLI runs);
#   2. lines of generated Rust per provider, ours and openapi-generator's;
#   3. cold and incremental `cargo build` (dev profile) of the facade with all
#      features and of one provider (`ankra-client`) alone, in a copy of the
#      workspace under /tmp (so the work tree is never touched) with its own
#      empty target dirs; and, unless PEER_BUILD=0, the same for
#      openapi-generator's ankra crate.
# Results are printed as Markdown and saved to $WORK/results.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${BENCH_PEERS_DIR:-/tmp/credential-clients-peers}
VENV=${BENCH_PEERS_VENV:-/tmp/bench-peers-venv}
OAG_VERSION=${OAG_VERSION:-7.26.0}
RUNS=${RUNS:-3}
PEER_BUILD=${PEER_BUILD:-1}
FACADE_BUILD=${FACADE_BUILD:-1}
COLD_ONLY=${COLD_ONLY:-0}
BENCH_TARGET=${CARGO_TARGET_DIR:-/tmp/target-bench}
PROVIDERS=(ankra awx netapp-astra oci-aidp tines)

mkdir -p "$WORK"
OUT="$WORK/results.md"
: >"$OUT"
say() { printf '%s\n' "$*" | tee -a "$OUT"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# --- tools -------------------------------------------------------------------
command -v java >/dev/null || { echo "java is missing (apt-get install default-jre-headless)" >&2; exit 1; }
if [ ! -x "$VENV/bin/openapi-generator-cli" ] ||
  [ "$("$VENV/bin/openapi-generator-cli" version 2>/dev/null)" != "$OAG_VERSION" ]; then
  echo "installing openapi-generator-cli==$OAG_VERSION into $VENV ..." >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "openapi-generator-cli==$OAG_VERSION"
fi
OAG="$VENV/bin/openapi-generator-cli"

echo "building the bench binary (release) ..." >&2
(cd "$ROOT" && CARGO_TARGET_DIR="$BENCH_TARGET" cargo build --quiet --release -p credential-clients-bench)
BENCH="$BENCH_TARGET/release/credential-clients-bench"

say "# Peers: codegen and build cost"
say ""
say "machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB RAM; $(rustc -V); $(java -version 2>&1 | head -1); openapi-generator $OAG_VERSION"
say ""

# --- 1. codegen time ------------------------------------------------------------
echo "codegen: ours, $RUNS runs ..." >&2
ours_wall=() ours_inproc=()
for _ in $(seq "$RUNS"); do
  t0=$(now_ms)
  line=$("$BENCH" codegen-once --root "$ROOT")
  ours_wall+=($(($(now_ms) - t0)))
  ours_inproc+=("$(echo "$line" | awk '{print $1}')")
done
ours_wall_med=$(printf '%s\n' "${ours_wall[@]}" | median)
ours_inproc_med=$(printf '%s\n' "${ours_inproc[@]}" | median)

declare -A peer_med
peer_totals=()
rm -rf "$WORK/oag"
for run in $(seq "$RUNS"); do
  total=0
  for p in "${PROVIDERS[@]}"; do
    echo "codegen: openapi-generator $p (run $run/$RUNS) ..." >&2
    rm -rf "$WORK/oag/$p"
    t0=$(now_ms)
    "$OAG" generate -g rust -i "$ROOT/specs/$p.yaml" -o "$WORK/oag/$p" \
      --package-name "${p//-/_}_oag" >"$WORK/oag-$p.log" 2>&1 ||
      { echo "openapi-generator failed on $p, see $WORK/oag-$p.log" >&2; exit 1; }
    dt=$(($(now_ms) - t0))
    total=$((total + dt))
    peer_med[$p]="${peer_med[$p]:-} $dt"
  done
  peer_totals+=("$total")
done
peer_total_med=$(printf '%s\n' "${peer_totals[@]}" | median)

say "## Codegen, five specs (median of $RUNS runs, wall clock)"
say ""
say "| generator | five specs | per spec |"
say "|---|---:|---|"
per_spec=""
for p in "${PROVIDERS[@]}"; do
  per_spec+="$p $(printf '%s\n' ${peer_med[$p]} | median) ms; "
done
say "| credential-clients (\`codegen-once\`: one process, generate in memory) | ${ours_wall_med} ms (in-process ${ours_inproc_med} ms) | - |"
say "| openapi-generator \`rust\` (one JVM per spec, writes files) | ${peer_total_med} ms | ${per_spec% } |"
say ""
say "ratio openapi-generator / ours: $(awk -v a="$peer_total_med" -v b="$ours_wall_med" 'BEGIN {printf "%.0f× (wall)", a/b}'), $(awk -v a="$peer_total_med" -v b="$ours_inproc_med" 'BEGIN {printf "%.0f× (vs in-process)", a/b}')"
say ""

# --- 2. lines of generated code ---------------------------------------------------
say "## Lines of generated Rust"
say ""
say "| provider | ours: client.rs (progenitor client + types) | ours: all of src/generated/*.rs | openapi-generator: src/**/*.rs |"
say "|---|---:|---:|---:|"
for p in "${PROVIDERS[@]}"; do
  client=$(wc -l <"$ROOT/crates/$p/src/generated/client.rs")
  ours=$(cat "$ROOT"/crates/"$p"/src/generated/*.rs | wc -l)
  peer=$(find "$WORK/oag/$p/src" -name '*.rs' -print0 | xargs -0 cat | wc -l)
  say "| $p | $client | $ours ($(ls "$ROOT/crates/$p/src/generated" | tr '\n' ' ' | sed 's/ $//')) | $peer |"
done
say ""

# --- 3. build cost ------------------------------------------------------------------
echo "copying the workspace to $WORK/ws ..." >&2
rm -rf "$WORK/ws"
mkdir -p "$WORK/ws"
# Only what the build reads (the work tree may be changing under us: skip
# target dirs, git and fuzzing state; tolerate files changing while read).
(cd "$ROOT" && tar --exclude=./target --exclude=./.git --exclude=./fuzz \
  --warning=no-file-changed --ignore-failed-read -cf - . || [ $? = 1 ]) |
  (cd "$WORK/ws" && tar -xf -)

# build NAME TARGET_DIR FILE "OWN PACKAGES" cargo-args... : in seconds,
#   cold     empty target dir (all dependencies too);
#   own      the project's own packages only (`cargo clean -p` them, deps stay built);
#   touch    after touching FILE (mtime only);
#   edit     after appending a comment line to FILE (content changed);
#   no-op    nothing changed.
secs() { awk -v v="$1" 'BEGIN {printf "%.1f s", v/1000}'; }
build() {
  local name=$1 target=$2 file=$3 own=$4
  shift 4
  local t0 cold own_t noop touch_t edit_t p clean_args=()
  for p in $own; do clean_args+=(-p "$p"); done
  rm -rf "$target"
  echo "build: $name: cold ..." >&2
  t0=$(now_ms); CARGO_TARGET_DIR="$target" cargo build --quiet "$@"; cold=$(($(now_ms) - t0))
  if [ "$COLD_ONLY" = 1 ]; then
    say "| $name | $(secs "$cold") | - | - | - | - |"
    return
  fi
  t0=$(now_ms); CARGO_TARGET_DIR="$target" cargo build --quiet "$@"; noop=$(($(now_ms) - t0))
  echo "build: $name: touch $file ..." >&2
  touch "$file"
  t0=$(now_ms); CARGO_TARGET_DIR="$target" cargo build --quiet "$@"; touch_t=$(($(now_ms) - t0))
  echo "build: $name: edit $file ..." >&2
  printf '\n// edited by scripts/bench-peers.sh\n' >>"$file"
  t0=$(now_ms); CARGO_TARGET_DIR="$target" cargo build --quiet "$@"; edit_t=$(($(now_ms) - t0))
  echo "build: $name: own packages ($own) ..." >&2
  CARGO_TARGET_DIR="$target" cargo clean --quiet "${clean_args[@]}"
  t0=$(now_ms); CARGO_TARGET_DIR="$target" cargo build --quiet "$@"; own_t=$(($(now_ms) - t0))
  say "| $name | $(secs "$cold") | $(secs "$own_t") | $(secs "$touch_t") | $(secs "$edit_t") | $(secs "$noop") |"
}

say "## cargo build (dev profile, $(nproc) jobs)"
say ""
say "| what | cold (empty target dir) | own packages only (deps built) | incremental: touch | incremental: edit | no change |"
say "|---|---:|---:|---:|---:|---:|"
cd "$WORK/ws"
ours="credential-clients credential-clients-runtime ankra-client awx-client netapp-astra-client oci-aidp-client tines-client"
if [ "$FACADE_BUILD" = 1 ]; then
  build "facade \`credential-clients\`, all features" "$WORK/target-facade" \
    crates/ankra/src/generated/client.rs "$ours" -p credential-clients --all-features
fi
build "one provider: \`ankra-client\`" "$WORK/target-ankra" \
  crates/ankra/src/generated/client.rs "credential-clients-runtime ankra-client" -p ankra-client
if [ "$PEER_BUILD" = 1 ]; then
  cd "$WORK/oag/ankra"
  # rustls like ours (its default, native-tls, would build OpenSSL bindings).
  build "openapi-generator's ankra crate (rustls)" "$WORK/target-oag-ankra" \
    src/apis/credentials_api.rs ankra_oag --no-default-features --features rustls
fi
say ""
say "touch / edit: FILE is crates/ankra/src/generated/client.rs (ours) or src/apis/credentials_api.rs (openapi-generator's)."
say ""
echo "results: $OUT" >&2
