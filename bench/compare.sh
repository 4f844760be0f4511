#!/usr/bin/env bash
# Side-by-side benchmark: Fovea's Release build against the peers of the shared bench folder (README.md there), each
# at its documented best configuration, run one after another (never two at once), then one ratio table.
#
#   bench/compare.sh [--quick] [--only gemm,conv,train,accuracy,infer,onnx] [--out DIR] [--peers DIR]
#
# Run from the repository root. Needs (Debian): python3-torch python3-numpy libopenblas-dev dataset-fashion-mnist g++,
# plus the .NET 10 SDK and the NuGet package Microsoft.ML.OnnxRuntime 1.31.1 (restored for the ONNX Runtime peer).
# Installs nothing. The peers' folder is only read: what must be built or changed is copied to a temporary folder.
# Results (every raw output, the commands, a log with the load average, and table.md) go to bench/results/DATE/.
set -uo pipefail

usage() {
    cat <<'EOF'
usage: bench/compare.sh [--quick] [--only LIST] [--out DIR] [--peers DIR]
  --quick       small repetitions, 1 epoch on a 2,048-image subset: checks the script in a few minutes
                (the numbers are not a benchmark)
  --only LIST   run only these parts, comma-separated: gemm, conv, train, accuracy, infer (default: these five),
                and onnx (only when named: the torchvision models of tools/onnx/export_torchvision.py, Fovea's ONNX
                import against ONNX Runtime at batch 1; needs python3-torchvision). accuracy trains both sides
                again with seeds 1-3 (train is seed 0), for the test accuracy's mean over four seeds: one seed's
                accuracy after 3 epochs moves by about a point (full runs only; ~4 minutes)
  --out DIR     results folder (default bench/results/<UTC date and time>)
  --peers DIR   the peers' folder (default ../shared/bench, else /work/shared/bench)
Prints a markdown table: ratios > 1 mean Fovea is faster (or smaller); see bench/NOTES.md.
EOF
}

QUICK=0
ONLY="gemm,conv,train,accuracy,infer"
OUT=""
PEERS=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --only) shift; ONLY="${1:-}" ;;
        --only=*) ONLY="${1#--only=}" ;;
        --out) shift; OUT="${1:-}" ;;
        --out=*) OUT="${1#--out=}" ;;
        --peers) shift; PEERS="${1:-}" ;;
        --peers=*) PEERS="${1#--peers=}" ;;
        -h|--help) usage; exit 0 ;;
        *) echo "compare.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
for part in ${ONLY//,/ }; do
    case "$part" in gemm|conv|train|accuracy|infer|onnx) ;; *) echo "compare.sh: --only: unknown part '$part' (gemm, conv, train, accuracy, infer, onnx)" >&2; exit 2 ;; esac
done
want() { [[ ",$ONLY," == *",$1,"* ]]; }

REPO=$(pwd)
if [ ! -f "$REPO/bench/compare.sh" ] || [ ! -d "$REPO/src/Fovea.Cli" ]; then
    echo "compare.sh: run it from the repository root (bench/compare.sh)" >&2; exit 2
fi
if [ -z "$PEERS" ]; then
    if [ -f "$REPO/../shared/bench/torch_fmnist.py" ]; then PEERS="$REPO/../shared/bench"; else PEERS=/work/shared/bench; fi
fi
PEERS=$(cd "$PEERS" 2>/dev/null && pwd) || { echo "compare.sh: peers folder not found (--peers DIR)" >&2; exit 2; }
for f in peak_fma.cpp torch_conv_micro.py torch_fmnist.py ort/Program.cs ort/ort_bench.csproj; do
    [ -f "$PEERS/$f" ] || { echo "compare.sh: $PEERS/$f is missing" >&2; exit 2; }
done

# ---- prerequisites (checked, never installed) ----
PY=/usr/bin/python3
DATA=/usr/share/datasets/fashion-mnist
missing=()
[ -x "$PY" ] && "$PY" -c 'import torch, numpy' 2>/dev/null || missing+=(python3-torch python3-numpy)
{ want gemm && ! { command -v g++ >/dev/null && [ -f /usr/include/x86_64-linux-gnu/cblas.h -o -f /usr/include/cblas.h ]; }; } && missing+=(g++ libopenblas-dev)
{ want train || want infer; } && [ ! -f "$DATA/train-images-idx3-ubyte.gz" ] && missing+=(dataset-fashion-mnist)
want onnx && ! "$PY" -c 'import torchvision' 2>/dev/null && missing+=(python3-torchvision)
if [ ${#missing[@]} -gt 0 ]; then
    echo "compare.sh: missing prerequisites; install them with:" >&2
    echo "  apt-get install -y ${missing[*]}" >&2
    exit 1
fi
command -v dotnet >/dev/null || { echo "compare.sh: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 1; }

# ---- settings: full or quick ----
if [ $QUICK = 1 ]; then
    FOVEA_GEMM_REPS=3; FOVEA_CONV_REPS=3; TORCH_CONV_ARGS=(--reps 3 --warmup 1)
    EPOCHS=1; SUBSET_ARGS=(--train-subset 2048); ORT_SECONDS=1; BATCH1_REPS=300; ONNX_REPS=3
else
    FOVEA_GEMM_REPS=10; FOVEA_CONV_REPS=7; TORCH_CONV_ARGS=()
    EPOCHS=3; SUBSET_ARGS=(); ORT_SECONDS=3; BATCH1_REPS=1000; ONNX_REPS=15
fi
INFER_SUBSET=1024   # the inference-only runs train briefly first (speed does not depend on the weights)

STAMP=$(date -u +%Y-%m-%d_%H%M%S)
R=${OUT:-$REPO/bench/results/$STAMP}
mkdir -p "$R" || exit 1
R=$(cd "$R" && pwd)
TMP=$(mktemp -d -t fovea-compare.XXXXXX) || exit 1
trap 'rm -rf "$TMP"' EXIT

LOG="$R/log.txt"
say() { echo "$*" | tee -a "$LOG" >&2; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

{
    echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "mode: $([ $QUICK = 1 ] && echo quick || echo full)"
    echo "parts: $ONLY"
    echo "git: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null)$(git -C "$REPO" diff --quiet 2>/dev/null || echo ' (dirty)')"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') x $(nproc)"
    echo "dotnet: $(dotnet --version 2>/dev/null)"
    echo "torch: $("$PY" -c 'import torch; print(torch.__version__)' 2>/dev/null)"
    echo "load_start: $(loadavg)"
    echo "env: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-(unset)} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-(unset)}"
} > "$R/meta.txt"
cat "$R/meta.txt" >&2

# run NAME CMD...: stdout -> NAME.out, stderr -> NAME.err, peak RSS of the process tree's largest process (kB) ->
# NAME.rss; the command line goes to commands.txt, timing and load average to log.txt. Never stops the script.
run() {
    local name=$1; shift
    printf '%s:' "$name" >> "$R/commands.txt"; printf ' %q' "$@" >> "$R/commands.txt"; echo >> "$R/commands.txt"
    say "[$(date -u +%H:%M:%S)] $name (load $(loadavg)) ..."
    local t0=$SECONDS
    "$PY" -c 'import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)' "$R/$name.rss" "$@" > "$R/$name.out" 2> "$R/$name.err"
    local rc=$?
    say "    $name: exit $rc, $((SECONDS - t0)) s"
    if [ $rc != 0 ]; then
        echo "$name exit $rc" >> "$R/failed.txt"
        tail -n 5 "$R/$name.err" | sed 's/^/    | /' >&2
    fi
    return $rc
}

# ---- Fovea: Release build of the CLI ----
say "building Fovea.Cli (Release) ..."
if ! dotnet build "$REPO/src/Fovea.Cli" -c Release -nologo -v q > "$R/build_fovea.log" 2>&1; then
    tail -n 20 "$R/build_fovea.log" >&2; echo "compare.sh: Fovea's build failed (see $R/build_fovea.log)" >&2; exit 1
fi
FOVEA=(dotnet "$REPO/src/Fovea.Cli/bin/Release/net10.0/Fovea.Cli.dll")
NOBLAS_ENV=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
MALLOC_ENV=(env MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000)

# ---- GEMM: FMA peak + OpenBLAS sgemm (OpenBLAS at full speed: CORETYPE/L2_SIZE unset) vs fovea bench gemm ----
if want gemm; then
    cp "$PEERS/peak_fma.cpp" "$TMP/peak_fma.cpp"
    if [ $QUICK = 1 ]; then  # a tenth of the work per sample
        sed -i -e 's/iters = 200000000L/iters = 20000000L/' -e 's/(2e10 \/ flops)/(2e9 \/ flops)/' "$TMP/peak_fma.cpp"
    fi
    if g++ -O3 -march=native -fopenmp -o "$TMP/peak_fma" "$TMP/peak_fma.cpp" -lopenblas -lpthread 2> "$R/build_peak_fma.log"; then
        run gemm_openblas_t2 "${NOBLAS_ENV[@]}" OPENBLAS_NUM_THREADS=2 "$TMP/peak_fma"
        run gemm_openblas_t1 "${NOBLAS_ENV[@]}" OPENBLAS_NUM_THREADS=1 "$TMP/peak_fma" --gemm-only
    else
        say "peak_fma.cpp did not build (see build_peak_fma.log)"; echo "build_peak_fma" >> "$R/failed.txt"
    fi
    run gemm_fovea_t1 "${FOVEA[@]}" bench gemm --sizes 512,1024,2048 --threads 1 --reps $FOVEA_GEMM_REPS --json
    run gemm_fovea_t2 "${FOVEA[@]}" bench gemm --sizes 512,1024,2048 --threads 2 --reps $FOVEA_GEMM_REPS --json
fi

# ---- convolutions: torch_conv_micro.py (allocator fix) vs fovea bench conv, 7 shapes, batch 32, 2 threads ----
if want conv; then
    run conv_torch "${MALLOC_ENV[@]}" "$PY" "$PEERS/torch_conv_micro.py" --threads 2 "${TORCH_CONV_ARGS[@]}"
    run conv_fovea "${FOVEA[@]}" bench conv --threads 2 --reps $FOVEA_CONV_REPS --json
fi

# ---- training: torch_fmnist.py as documented (machine's environment) vs fovea bench train ----
ONNX="$TMP/fmnist_cnn.onnx"
if want train; then
    run train_torch "$PY" "$PEERS/torch_fmnist.py" --epochs $EPOCHS "${SUBSET_ARGS[@]}" --export-onnx "$ONNX"
    run train_fovea "${FOVEA[@]}" bench train --epochs $EPOCHS "${SUBSET_ARGS[@]}" --data "$DATA" --batch1-reps $BATCH1_REPS --json
fi

# ---- accuracy: the same recipe with seeds 1-3 on both sides (speed does not matter here; full runs only) ----
if want accuracy && [ $QUICK = 0 ]; then
    for seed in 1 2 3; do
        run acc_torch_s$seed "$PY" "$PEERS/torch_fmnist.py" --epochs $EPOCHS --seed $seed --infer-passes 1
        run acc_fovea_s$seed "${FOVEA[@]}" bench train --epochs $EPOCHS --seed $seed --data "$DATA" --batch1-reps 10 --json
    done
fi

# ---- inference: PyTorch (allocator fix) and ONNX Runtime (batch 256 and 1) vs Fovea ----
if want infer; then
    # Each side trains a little first (the weights do not change the speed); PyTorch's run also exports the
    # ONNX model when the training part did not.
    export_args=()
    [ -f "$ONNX" ] || export_args=(--export-onnx "$ONNX")
    run infer_torch "${MALLOC_ENV[@]}" "$PY" "$PEERS/torch_fmnist.py" --epochs 1 --train-subset $INFER_SUBSET --infer-passes 5 "${export_args[@]}"
    mkdir -p "$TMP/ort"
    cp "$PEERS/ort/Program.cs" "$PEERS/ort/ort_bench.csproj" "$TMP/ort/"
    echo '<Project />' > "$TMP/ort/Directory.Build.props"   # build output stays in the temporary folder
    say "building the ONNX Runtime peer ..."
    if [ ! -f "$ONNX" ]; then
        say "no ONNX model was exported (see infer_torch.err)"; echo "onnx_export" >> "$R/failed.txt"
    elif dotnet build "$TMP/ort/ort_bench.csproj" -c Release -nologo -v q -o "$TMP/ort/bin" > "$R/build_ort.log" 2>&1; then
        run infer_ort_b256 dotnet "$TMP/ort/bin/ort_bench.dll" "$ONNX" 1 28 28 256 2 $ORT_SECONDS
        run infer_ort_b1 dotnet "$TMP/ort/bin/ort_bench.dll" "$ONNX" 1 28 28 1 2 $ORT_SECONDS
    else
        tail -n 20 "$R/build_ort.log" >&2; say "the ONNX Runtime peer did not build (see build_ort.log)"; echo "build_ort" >> "$R/failed.txt"
    fi
    run infer_fovea "${FOVEA[@]}" bench train --epochs 1 --train-subset $INFER_SUBSET --data "$DATA" --batch1-reps $BATCH1_REPS --json
fi

# ---- ONNX import: torchvision models with seeded weights, Fovea's OnnxModule vs ONNX Runtime, batch 1, 2 threads ----
if want onnx; then
    run onnx_export "$PY" "$REPO/tools/onnx/export_torchvision.py" "$TMP/torchvision"
    if dotnet build "$REPO/bench/Fovea.Benchmarks" -c Release -nologo -v q > "$R/build_bench.log" 2>&1; then
        run onnx_fovea_ort dotnet "$REPO/bench/Fovea.Benchmarks/bin/Release/net10.0/Fovea.Benchmarks.dll" onnx "$TMP/torchvision" --reps $ONNX_REPS --threads 2
    else
        tail -n 20 "$R/build_bench.log" >&2; say "bench/Fovea.Benchmarks did not build (see build_bench.log)"; echo "build_bench" >> "$R/failed.txt"
    fi
fi

echo "load_end: $(loadavg)" >> "$R/meta.txt"
if [ "$ONLY" != onnx ]; then
    "$PY" "$REPO/bench/compare_table.py" "$R" > "$R/table.md" || { echo "compare.sh: the table could not be made" >&2; exit 1; }
fi
[ ! -f "$R/onnx_fovea_ort.out" ] || { echo; echo "ONNX import, ms per image:"; cat "$R/onnx_fovea_ort.out"; } >> "$R/table.md"
cat "$R/table.md"
say "results: $R"
[ ! -f "$R/failed.txt" ] || { say "some steps failed: $(tr '\n' ' ' < "$R/failed.txt")"; exit 1; }
