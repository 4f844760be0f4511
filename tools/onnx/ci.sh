#!/usr/bin/env bash
# ONNX real-data checks, meant to be called from .ci/run after the CLI is built (Release):
#   1. the ONNX backend node tests of Debian's libonnx-testdata, with tools/onnx/exclusions.txt: no test may fail;
#   2. torchvision models exported by PyTorch with seeded random weights (tools/onnx/export_torchvision.py):
#      Fovea's outputs within 1e-4 relative error of PyTorch's.
# Usage: bash tools/onnx/ci.sh   (from the repository root; exits non-zero on any failure)
set -euo pipefail
cd "$(dirname "$0")/../.."
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libonnx-testdata python3-torch python3-torchvision >/dev/null
fi
fovea() { dotnet src/Fovea.Cli/bin/Release/net10.0/Fovea.Cli.dll "$@"; }
[ -f src/Fovea.Cli/bin/Release/net10.0/Fovea.Cli.dll ] || dotnet build src/Fovea.Cli -c Release -v q -nologo >/dev/null

echo "== ONNX backend node tests (/usr/share/libonnx-testdata/data/node)"
fovea onnx test /usr/share/libonnx-testdata/data/node --exclusions tools/onnx/exclusions.txt --json > /tmp/fovea-onnx-node.json
/usr/bin/python3 -c "import json; d=json.load(open('/tmp/fovea-onnx-node.json')); print({k: d[k] for k in ('passed','failed','unsupported','excluded')})"

echo "== torchvision models vs PyTorch (relative error <= 1e-4)"
out=$(mktemp -d)
/usr/bin/python3 tools/onnx/export_torchvision.py "$out" 2>&1 | { grep -v -i warn || true; }
fovea onnx check "$out"
rm -rf "$out"
