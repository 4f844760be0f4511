#!/usr/bin/env bash
# Test accuracy of the reference network fmnist-cnn after N epochs, PyTorch (torch_fmnist.py of the shared bench
# folder) against Fovea (`fovea bench train`, the same recipe: Adam 1e-3, batch 128, no normalisation), over several
# seeds. One seed's accuracy moves by about a point with the initialisation, so "the same accuracy" is judged on the
# means. Speed does not matter here: run it on a busy machine if you like.
#
#   bench/accuracy_seeds.sh [--seeds "0 1 2 3"] [--epochs 3] [--peers DIR]
#
# Run from the repository root; needs python3-torch and dataset-fashion-mnist (Debian) and the .NET 10 SDK.
set -uo pipefail
SEEDS="0 1 2 3"; EPOCHS=3; PEERS=""
while [ $# -gt 0 ]; do
    case "$1" in
        --seeds) shift; SEEDS="${1:-}" ;;
        --epochs) shift; EPOCHS="${1:-}" ;;
        --peers) shift; PEERS="${1:-}" ;;
        -h|--help) sed -n 2,9p "$0"; exit 0 ;;
        *) echo "accuracy_seeds.sh: unknown argument '$1' (--help)" >&2; exit 2 ;;
    esac
    shift
done
REPO=$(pwd)
[ -f "$REPO/src/Fovea.Cli/Fovea.Cli.csproj" ] || { echo "accuracy_seeds.sh: run from the repository root" >&2; exit 2; }
if [ -z "$PEERS" ]; then
    if [ -f "$REPO/../shared/bench/torch_fmnist.py" ]; then PEERS="$REPO/../shared/bench"; else PEERS=/work/shared/bench; fi
fi
DATA=/usr/share/datasets/fashion-mnist
dotnet build "$REPO/src/Fovea.Cli" -c Release -nologo -v q > /dev/null || { echo "accuracy_seeds.sh: build failed" >&2; exit 1; }
FOVEA=(dotnet "$REPO/src/Fovea.Cli/bin/Release/net10.0/Fovea.Cli.dll")
TMP=$(mktemp -d -t fovea-acc.XXXXXX) || exit 1
trap 'rm -rf "$TMP"' EXIT

echo "| seed | PyTorch % | Fovea % | Fovea − PyTorch (pt) |"
echo "|--:|--:|--:|--:|"
sum_t=0; sum_f=0; n=0
for s in $SEEDS; do
    /usr/bin/python3 "$PEERS/torch_fmnist.py" --epochs "$EPOCHS" --seed "$s" --infer-passes 1 > "$TMP/torch.txt" 2>&1
    t=$(grep -o 'final acc [0-9.]*' "$TMP/torch.txt" | awk '{print $3}')
    "${FOVEA[@]}" bench train --epochs "$EPOCHS" --seed "$s" --data "$DATA" --batch1-reps 10 --json > "$TMP/fovea.txt" 2>&1
    f=$(grep -o '"test_accuracy":[0-9.]*' "$TMP/fovea.txt" | cut -d: -f2 | awk '{printf "%.2f", $1 * 100}')
    if [ -z "$t" ] || [ -z "$f" ]; then echo "accuracy_seeds.sh: seed $s failed; outputs:" >&2; cat "$TMP/torch.txt" "$TMP/fovea.txt" >&2; exit 1; fi
    echo "| $s | $t | $f | $(awk -v a="$f" -v b="$t" 'BEGIN{printf "%+.2f", a - b}') |"
    sum_t=$(awk -v a="$sum_t" -v b="$t" 'BEGIN{print a + b}'); sum_f=$(awk -v a="$sum_f" -v b="$f" 'BEGIN{print a + b}'); n=$((n + 1))
done
awk -v t="$sum_t" -v f="$sum_f" -v n="$n" 'BEGIN{printf "| mean of %d | %.2f | %.2f | %+.2f |\n", n, t / n, f / n, (f - t) / n}'
