#!/usr/bin/python3
"""Reads the raw outputs that bench/compare.sh saved in a results folder and prints one markdown ratio table.

Usage: /usr/bin/python3 bench/compare_table.py RESULTS_DIR

Ratios are arranged so that > 1 means Fovea is better: Fovea / peer for throughputs (GFLOP/s, images/s),
peer / Fovea for times (ms, s/epoch) and for memory (peak RSS). Missing or unparsable outputs show as "n/a".
Each peer prints its own format (see /work/shared/bench); Fovea prints JSON lines (`fovea bench ... --json`).
"""
import json, math, os, re, sys

R = sys.argv[1] if len(sys.argv) > 1 else "."


def read(name):
    try:
        with open(os.path.join(R, name), encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def jsonl(name):
    out = []
    for line in read(name).splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def rss_mb(name):
    kb = num(read(name + ".rss").strip())
    return kb / 1024.0 if kb else None


# ---- peers ----
def openblas():
    """{'fma': {(isa, threads): GF/s}, 'gemm': {(n, threads): GF/s}} from peak_fma's outputs (medians)."""
    fma, gemm = {}, {}
    for name in ("gemm_openblas_t2.out", "gemm_openblas_t1.out"):
        for line in read(name).splitlines():
            m = re.match(r"\s*FMA\s+(\S+)\s+threads=(\d+)\s+GFLOP/s\s.*\bmedian=([\d.]+)", line)
            if m:
                fma[(m.group(1), int(m.group(2)))] = float(m.group(3))
            m = re.match(r"\s*SGEMM\s+M=N=K=(\d+)\s+threads=(\d+)\s+GFLOP/s\s.*\bmedian=([\d.]+)", line)
            if m:
                gemm[(int(m.group(1)), int(m.group(2)))] = float(m.group(3))
    return fma, gemm


def torch_conv():
    """{letter: (fwd_ms, fwdbwd_ms)} from torch_conv_micro.py: 'name GFLOP | ms (min..max) GF/s | ms (min..max) GF/s'."""
    out = {}
    for line in read("conv_torch.out").splitlines():
        parts = line.split("|")
        if len(parts) != 3:
            continue
        f, b = parts[1].split(), parts[2].split()
        if not f or not b or num(f[0]) is None or num(b[0]) is None:
            continue  # the header
        out[line.strip()[0]] = (float(f[0]), float(b[0]))
    return out


def torch_fmnist(name):
    """Median s/epoch, train img/s, inference img/s, final accuracy (%) from torch_fmnist.py's SUMMARY line."""
    text = read(name)
    r = {}
    m = re.search(r"^SUMMARY .*$", text, re.M)
    if not m:
        return r
    line = m.group(0)
    for key, pat in (("epoch_s", r"train_s/epoch\s.*?\bmedian=([\d.]+)"),
                     ("train_ips", r"train img/s median=([\d.]+)"),
                     ("infer_ips", r"infer\(bench\) img/s\s.*?\bmedian=([\d.]+)"),
                     ("acc", r"final acc ([\d.]+)%"),
                     ("epochs", r"epochs=(\d+)")):
        mm = re.search(pat, line)
        if mm:
            r[key] = float(mm.group(1))
    return r


def ort(name):
    """(median img/s, median ms per batch) from the ONNX Runtime peer's one line."""
    m = re.search(r"img/s\s+min=[\d.]+\s+median=([\d.]+).*?ms/batch median=([\d.]+)", read(name))
    return (float(m.group(1)), float(m.group(2))) if m else (None, None)


# ---- the table ----
rows = []
groups = {}


def fmt(v, digits=None):
    if v is None:
        return "n/a"
    if digits is None:
        digits = 0 if abs(v) >= 100 else 1 if abs(v) >= 10 else 2 if abs(v) >= 1 else 3
    return f"{v:,.{digits}f}"


def row(workload, metric, fovea, peer_name, peer, higher_better, group=None):
    """Adds a row; the ratio is oriented so that > 1 means Fovea is better."""
    ratio = None
    if fovea and peer:
        ratio = fovea / peer if higher_better else peer / fovea
    rows.append((workload, metric, fmt(fovea), peer_name, fmt(peer), fmt(ratio, 2) if ratio else "n/a"))
    if group and ratio:
        groups.setdefault(group, []).append(ratio)


fma, blas = openblas()
fovea_gemm = {}
for t in (1, 2):
    for o in jsonl(f"gemm_fovea_t{t}.out"):
        if o.get("kind") == "gemm":
            fovea_gemm[(int(o["n"]), int(o["threads"]))] = o.get("gflops")
for (n, t) in sorted(set(blas) | set(fovea_gemm), key=lambda k: (k[1], k[0])):
    row(f"sgemm {n}x{n}x{n}, {t} thread{'s' if t > 1 else ''}", "GFLOP/s", fovea_gemm.get((n, t)), "OpenBLAS",
        blas.get((n, t)), True, group="sgemm")

tc = torch_conv()
fc = {o["name"][0]: o for o in jsonl("conv_fovea.out") if o.get("kind") == "conv" and o.get("name")}
names = {o["name"][0]: o["name"] for o in fc.values()}
for letter in sorted(set(tc) | set(fc)):
    label = names.get(letter, letter)
    t = tc.get(letter, (None, None))
    f = fc.get(letter, {})
    row(f"conv {label}, fwd", "ms", f.get("fwd_ms"), "PyTorch", t[0], False, group="conv fwd")
for letter in sorted(set(tc) | set(fc)):
    label = names.get(letter, letter)
    t = tc.get(letter, (None, None))
    f = fc.get(letter, {})
    row(f"conv {label}, fwd+bwd", "ms", f.get("fwdbwd_ms"), "PyTorch", t[1], False, group="conv fwd+bwd")

tt = torch_fmnist("train_torch.out")
ft = next((o for o in jsonl("train_fovea.out") if o.get("kind") == "train"), {})
if tt or ft:
    ep = ft.get("epochs") or (int(tt["epochs"]) if "epochs" in tt else "?")
    row(f"train fmnist-cnn, {ep} epoch{'s' if ep != 1 else ''}", "s/epoch", ft.get("epoch_s"), "PyTorch", tt.get("epoch_s"), False)
    row("train fmnist-cnn", "train img/s", ft.get("train_images_per_s"), "PyTorch", tt.get("train_ips"), True)
    row("train fmnist-cnn", "peak RSS MB", rss_mb("train_fovea"), "PyTorch", rss_mb("train_torch"), False)
    fa = ft.get("test_accuracy")
    fa = fa * 100 if fa is not None else None
    ta = tt.get("acc")
    rows.append(("train fmnist-cnn", "test accuracy %", fmt(fa, 2), "PyTorch", fmt(ta, 2),
                 f"{fa - ta:+.2f} pt" if fa is not None and ta is not None else "n/a"))

# The test accuracy's mean over the seeds both sides ran: seed 0 from the training part, 1-3 from the accuracy part.
acc_t, acc_f = [], []
for seed in range(4):
    t_out, f_out = ("train_torch.out", "train_fovea.out") if seed == 0 else (f"acc_torch_s{seed}.out", f"acc_fovea_s{seed}.out")
    a = torch_fmnist(t_out).get("acc")
    b = next((o.get("test_accuracy") for o in jsonl(f_out) if o.get("kind") == "train"), None)
    if a is not None and b is not None:
        acc_t.append(a)
        acc_f.append(b * 100)
if len(acc_t) > 1:
    mt, mf = sum(acc_t) / len(acc_t), sum(acc_f) / len(acc_f)
    rows.append(("train fmnist-cnn", f"test accuracy %, mean of {len(acc_t)} seeds", fmt(mf, 2), "PyTorch", fmt(mt, 2), f"{mf - mt:+.2f} pt"))

ti = torch_fmnist("infer_torch.out")
fi = next((o for o in jsonl("infer_fovea.out") if o.get("kind") == "train"), {})
o256, _ = ort("infer_ort_b256.out")
o1, o1ms = ort("infer_ort_b1.out")
if ti or fi or o256 or o1:
    row("infer fmnist-cnn, batch 256, test-set pass", "img/s", fi.get("infer_images_per_s"), "PyTorch", ti.get("infer_ips"), True)
    row("infer fmnist-cnn, batch 256, forwards only", "img/s", fi.get("infer_forward256_images_per_s"), "ONNX Runtime", o256, True)
    row("infer fmnist-cnn, batch 1", "ms/image", fi.get("infer_batch1_ms"), "ONNX Runtime", o1ms, False)

print("# Fovea vs peers, side by side")
print()
meta = dict(l.split(": ", 1) for l in read("meta.txt").splitlines() if ": " in l)
print(f"{meta.get('date_utc', '?')}, {meta.get('mode', '?')} run, git {meta.get('git', '?')}, {meta.get('cpu', '?')}; "
      f"load average {meta.get('load_start', '?')} at the start, {meta.get('load_end', '?')} at the end.")
if meta.get("mode") == "quick":
    print()
    print("**Quick run: fewer repetitions, 1 epoch on a 2,048-image subset. Checks the script; not a benchmark.**")
print()
print("Ratio > 1: Fovea is better (faster, or smaller). It is Fovea ÷ peer for throughputs, peer ÷ Fovea for times and memory.")
print()
print("| workload | metric | Fovea | peer | peer's value | ratio |")
print("|---|---|--:|---|--:|--:|")
for r in rows:
    print("| " + " | ".join(r) + " |")
print()
if groups:
    parts = [f"{g} {math.exp(sum(map(math.log, v)) / len(v)):.2f} ({len(v)})" for g, v in groups.items()]
    print("Geometric means of the ratios (rows): " + ", ".join(parts) + ".")
    print()
if fma:
    peaks = ", ".join(f"{isa} {t} thread{'s' if t > 1 else ''} {v:.0f}" for (isa, t), v in sorted(fma.items()))
    print(f"FMA peak, GFLOP/s (median): {peaks}.", end="")
    best = {t: fovea_gemm.get((2048, t)) for t in (1, 2)}
    pk = {t: fma.get(("avx512", t)) for t in (1, 2)}
    share = [f"{best[t] / pk[t] * 100:.0f}% at {t} thread{'s' if t > 1 else ''}" for t in (1, 2) if best[t] and pk[t]]
    if share:
        print(" Fovea's sgemm at 2048 reaches " + ", ".join(share) + " of the AVX-512 peak.", end="")
    print()
    print()
notes = []
if os.path.exists(os.path.join(R, "failed.txt")):
    notes.append("Failed steps (see their .err files): " + ", ".join(read("failed.txt").split("\n")).strip(", ") + ".")
if tt or ft:
    notes.append("Peak RSS is the largest resident set of each training process (getrusage), measured the same way for both.")
if o1 or fi:
    notes.append("Batch 1: Fovea's is the median of single-image forwards; ONNX Runtime's is the median window's mean ms per call.")
for n in notes:
    print(n)
