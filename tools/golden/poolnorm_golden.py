#!/usr/bin/python3
"""Writes tests/Fovea.Tests/Golden/poolnorm.bin: PyTorch forward and backward values for Fovea's pooling,
resampling and normalisation ops (run with /usr/bin/python3, torch 1.13.1, from the repository root).

File format (little-endian): magic b"FVGOLD01"; u32 header length + UTF-8 header text; u32 case count; per case:
str op, str params ("key=value;..." with comma-separated lists, "none" for null), u32 tensor count, then per
tensor: str name, u8 rank, i32 dims[rank], f32 data[prod(dims)]. A str is u16 length + UTF-8 bytes.
Every case has inputs (x, and w/b/rm/rv where used), the output y, an upstream gradient g and gradients gx/gw/gb.
"""
import os
import struct
import sys

import torch
import torch.nn.functional as F

SEED = 20261126
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Fovea.Tests", "Golden", "poolnorm.bin")

torch.manual_seed(SEED)
cases = []


def fmt(v):
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (list, tuple)):
        return ",".join(fmt(a) for a in v)
    if isinstance(v, float):
        return repr(v)
    return str(v)


def add(op, params, tensors):
    p = ";".join(f"{k}={fmt(v)}" for k, v in params.items())
    cases.append((op, p, [(n, t.detach().to(torch.float32).contiguous()) for n, t in tensors]))


def grad_case(op, params, f, inputs):
    """inputs: list of (name, tensor or None); f(*tensors) -> y. Adds x.., y, g and g<name> for each input."""
    leaves = []
    for name, t in inputs:
        if t is None:
            leaves.append(None)
        else:
            leaves.append(t.clone().requires_grad_(True))
    y = f(*leaves)
    g = torch.randn_like(y)
    y.backward(g)
    tensors = [(n, t) for (n, t) in inputs if t is not None] + [("y", y), ("g", g)]
    for (name, _), leaf in zip(inputs, leaves):
        if leaf is not None:
            tensors.append(("g" + name, leaf.grad))
    add(op, params, tensors)
    return y


def rnd(*shape):
    return torch.randn(*shape)


# ---- max pooling ----
def maxpool(shape, k, s, p, d, ceil):
    dims = len(shape) - 2
    fn = [None, F.max_pool1d, F.max_pool2d, F.max_pool3d][dims]
    x = rnd(*shape)
    params = dict(k=k, s=s, p=p, d=d, ceil=ceil)
    grad_case("maxpool", params, lambda t: fn(t, k, s, p, d, ceil_mode=ceil), [("x", x)])
    _, idx = fn(x, k, s, p, d, ceil_mode=ceil, return_indices=True)
    cases[-1][2].append(("idx", idx.to(torch.float32)))


maxpool([2, 3, 11], [3], [2], [1], [1], False)
maxpool([2, 3, 11], [3], [2], [1], [1], True)
maxpool([1, 2, 10], [2], [2], [0], [1], True)
maxpool([2, 2, 13], [3], [1], [1], [2], False)
maxpool([1, 3, 9], [4], [3], [2], [1], True)
maxpool([2, 3, 8, 8], [2, 2], [2, 2], [0, 0], [1, 1], False)
maxpool([2, 3, 9, 7], [3, 3], [2, 2], [1, 1], [1, 1], False)
maxpool([2, 3, 9, 7], [3, 3], [2, 2], [1, 1], [1, 1], True)
maxpool([1, 2, 10, 11], [3, 2], [2, 3], [1, 0], [1, 1], True)
maxpool([1, 2, 12, 13], [3, 3], [1, 2], [1, 1], [2, 3], False)
maxpool([2, 2, 7, 7], [2, 2], [2, 2], [1, 1], [1, 1], True)
maxpool([1, 2, 6, 5], [4, 4], [3, 3], [2, 2], [1, 1], True)
maxpool([2, 3, 5, 5], [5, 5], [1, 1], [2, 2], [1, 1], False)
maxpool([1, 2, 6, 7, 5], [2, 2, 2], [2, 2, 2], [0, 0, 0], [1, 1, 1], False)
maxpool([1, 2, 7, 6, 9], [3, 2, 3], [2, 1, 2], [1, 1, 0], [1, 1, 1], True)
maxpool([2, 1, 8, 9, 7], [2, 3, 2], [1, 2, 2], [1, 0, 1], [2, 1, 2], False)


# ---- average pooling ----
def avgpool(shape, k, s, p, ceil, cip, div=None):
    dims = len(shape) - 2
    x = rnd(*shape)
    params = dict(k=k, s=s, p=p, ceil=ceil, cip=cip, div=div)
    if dims == 1:
        f = lambda t: F.avg_pool1d(t, k, s, p, ceil, cip)
    elif dims == 2:
        f = lambda t: F.avg_pool2d(t, k, s, p, ceil, cip, div)
    else:
        f = lambda t: F.avg_pool3d(t, k, s, p, ceil, cip, div)
    grad_case("avgpool", params, f, [("x", x)])


avgpool([2, 3, 11], [3], [2], [1], False, True)
avgpool([2, 3, 11], [3], [2], [1], True, False)
avgpool([1, 2, 10], [4], [3], [2], True, True)
avgpool([1, 2, 10], [4], [3], [2], True, False)
avgpool([2, 3, 8, 8], [2, 2], [2, 2], [0, 0], False, True)
avgpool([2, 3, 9, 7], [3, 3], [2, 2], [1, 1], False, True)
avgpool([2, 3, 9, 7], [3, 3], [2, 2], [1, 1], False, False)
avgpool([2, 3, 9, 7], [3, 3], [2, 2], [1, 1], True, True)
avgpool([2, 3, 9, 7], [3, 3], [2, 2], [1, 1], True, False)
avgpool([1, 2, 10, 11], [3, 2], [2, 3], [1, 1], True, False)
avgpool([1, 2, 6, 5], [4, 4], [3, 3], [2, 2], True, True)
avgpool([1, 2, 6, 5], [4, 4], [3, 3], [2, 2], True, False)
avgpool([1, 2, 7, 7], [3, 3], [2, 2], [1, 1], False, True, 5)
avgpool([1, 2, 6, 7, 5], [2, 2, 2], [2, 2, 2], [0, 0, 0], False, True)
avgpool([1, 2, 7, 6, 9], [3, 2, 3], [2, 1, 2], [1, 1, 1], True, False)
avgpool([1, 2, 7, 6, 9], [3, 2, 3], [2, 1, 2], [1, 1, 1], True, True)
avgpool([1, 1, 5, 6, 7], [3, 3, 3], [2, 2, 2], [1, 1, 1], False, True, 7)


# ---- adaptive pooling ----
def adaptive(kind, shape, out):
    dims = len(shape) - 2
    x = rnd(*shape)
    fn = {("avg", 1): F.adaptive_avg_pool1d, ("avg", 2): F.adaptive_avg_pool2d, ("avg", 3): F.adaptive_avg_pool3d,
          ("max", 1): F.adaptive_max_pool1d, ("max", 2): F.adaptive_max_pool2d, ("max", 3): F.adaptive_max_pool3d}[(kind, dims)]
    grad_case("adaptive" + kind, dict(out=out), lambda t: fn(t, out), [("x", x)])


for kind in ("avg", "max"):
    adaptive(kind, [2, 3, 10], [3])
    adaptive(kind, [2, 3, 7], [10])
    adaptive(kind, [2, 3, 10, 9], [4, 5])
    adaptive(kind, [1, 2, 7, 11], [3, 4])
    adaptive(kind, [1, 2, 5, 6], [7, 8])
    adaptive(kind, [1, 2, 9, 9], [1, 1])
    adaptive(kind, [1, 2, 7, 5, 6], [3, 2, 4])
    adaptive(kind, [1, 1, 4, 6, 5], [5, 4, 3])


# ---- interpolation ----
def interp(shape, size, scale, mode, ac):
    x = rnd(*shape)
    params = dict(size=size, scale=scale, mode=mode, ac=ac)
    grad_case("interpolate", params, lambda t: F.interpolate(t, size=size, scale_factor=scale, mode=mode, align_corners=ac), [("x", x)])


interp([2, 3, 7], [13], None, "nearest", None)
interp([2, 3, 7], [3], None, "nearest", None)
interp([2, 3, 7], None, [2.0], "nearest", None)
interp([2, 3, 7], None, [1.7], "nearest", None)
interp([2, 3, 5, 6], [9, 11], None, "nearest", None)
interp([2, 3, 5, 6], [3, 4], None, "nearest", None)
interp([2, 3, 5, 6], None, [2.0, 2.0], "nearest", None)
interp([2, 3, 5, 6], None, [1.5, 2.5], "nearest", None)
interp([2, 3, 6, 6], None, [0.6, 0.7], "nearest", None)
interp([1, 2, 3, 4, 5], [5, 7, 4], None, "nearest", None)
interp([1, 2, 3, 4, 5], None, [2.0, 1.5, 0.8], "nearest", None)
interp([2, 3, 7], [12], None, "nearest-exact", None)
interp([2, 3, 5, 6], None, [1.5, 0.7], "nearest-exact", None)
interp([1, 2, 3, 4, 5], [5, 7, 4], None, "nearest-exact", None)
interp([2, 3, 10, 9], [4, 5], None, "area", None)
interp([1, 2, 5, 6, 7], None, [0.5, 0.7, 0.4], "area", None)
for ac in (False, True):
    interp([2, 3, 7], [12], None, "linear", ac)
    interp([2, 3, 7], None, [1.6], "linear", ac)
    interp([2, 3, 5, 6], [9, 11], None, "bilinear", ac)
    interp([2, 3, 5, 6], [3, 4], None, "bilinear", ac)
    interp([2, 3, 5, 6], None, [2.0, 2.0], "bilinear", ac)
    interp([2, 3, 5, 6], None, [1.7, 2.3], "bilinear", ac)
    interp([1, 2, 8, 9], None, [0.6, 0.45], "bilinear", ac)
    interp([1, 2, 4, 4], [1, 5], None, "bilinear", ac)
    interp([2, 2, 5, 6], [9, 11], None, "bicubic", ac)
    interp([1, 2, 6, 5], None, [0.6, 1.7], "bicubic", ac)
    interp([1, 2, 3, 4, 5], [5, 7, 4], None, "trilinear", ac)
    interp([1, 2, 3, 4, 5], None, [2.0, 1.5, 0.8], "trilinear", ac)


# ---- batch norm ----
def batchnorm(shape, training, affine, running, momentum=0.1, eps=1e-5):
    c = shape[1]
    x = rnd(*shape) * 1.5 + 0.3
    w = rnd(c) if affine else None
    b = rnd(c) if affine else None
    rm = rnd(c) * 0.2 if running else None
    rv = torch.rand(c) + 0.5 if running else None
    rm_in = None if rm is None else rm.clone()
    rv_in = None if rv is None else rv.clone()
    params = dict(training=training, momentum=momentum, eps=eps)
    grad_case("batchnorm", params, lambda t, w_, b_: F.batch_norm(t, rm, rv, w_, b_, training, momentum, eps),
              [("x", x), ("w", w), ("b", b)])
    if running:
        cases[-1][2].extend([("rm", rm_in), ("rv", rv_in), ("rmout", rm), ("rvout", rv)])


for training in (True, False):
    batchnorm([6, 4], training, True, True)
    batchnorm([3, 5, 7], training, True, True)
    batchnorm([2, 3, 5, 6], training, True, True, momentum=0.3)
    batchnorm([2, 3, 5, 6], training, False, True, eps=1e-3)
    batchnorm([2, 2, 3, 4, 5], training, True, True)
batchnorm([4, 3, 5], True, True, False)
batchnorm([2, 3, 4, 4], True, False, False)


# ---- layer norm ----
def layernorm(shape, ns, affine, eps=1e-5):
    x = rnd(*shape) * 2 + 0.5
    w = rnd(*ns) if affine else None
    b = rnd(*ns) if affine else None
    grad_case("layernorm", dict(ns=ns, eps=eps), lambda t, w_, b_: F.layer_norm(t, ns, w_, b_, eps), [("x", x), ("w", w), ("b", b)])


layernorm([4, 7], [7], True)
layernorm([2, 3, 10], [10], True)
layernorm([2, 3, 4, 5], [4, 5], True)
layernorm([2, 3, 4, 5], [3, 4, 5], False, eps=1e-3)
layernorm([5, 33], [33], True)


# ---- group norm / instance norm ----
def groupnorm(shape, groups, affine, eps=1e-5):
    c = shape[1]
    x = rnd(*shape) * 1.3 - 0.2
    w = rnd(c) if affine else None
    b = rnd(c) if affine else None
    grad_case("groupnorm", dict(groups=groups, eps=eps), lambda t, w_, b_: F.group_norm(t, groups, w_, b_, eps), [("x", x), ("w", w), ("b", b)])


groupnorm([2, 6, 5, 4], 3, True)
groupnorm([2, 6, 5, 4], 1, True)
groupnorm([2, 6, 5, 4], 6, False)
groupnorm([3, 4, 7], 2, True, eps=1e-3)
groupnorm([2, 4, 2, 3, 3], 2, True)
groupnorm([4, 6], 2, True)


def instancenorm(shape, affine):
    c = shape[1]
    x = rnd(*shape)
    w = rnd(c) if affine else None
    b = rnd(c) if affine else None
    grad_case("instancenorm", dict(eps=1e-5), lambda t, w_, b_: F.instance_norm(t, weight=w_, bias=b_, eps=1e-5), [("x", x), ("w", w), ("b", b)])


instancenorm([2, 3, 5, 4], True)
instancenorm([2, 3, 7], False)


# ---- local response norm ----
def lrn(shape, size, alpha, beta, k):
    x = rnd(*shape)
    grad_case("lrn", dict(size=size, alpha=alpha, beta=beta, k=k), lambda t: F.local_response_norm(t, size, alpha, beta, k), [("x", x)])


lrn([2, 7, 4, 5], 5, 1e-4, 0.75, 1.0)
lrn([2, 6, 3, 3], 2, 0.5, 0.6, 2.0)
lrn([2, 5, 6], 3, 0.3, 0.75, 1.0)
lrn([1, 6, 2, 3, 3], 4, 0.2, 0.9, 1.5)


def wstr(f, s):
    b = s.encode("utf-8")
    f.write(struct.pack("<H", len(b)))
    f.write(b)


header = f"generated by tools/golden/poolnorm_golden.py with torch {torch.__version__}, seed {SEED}"
with open(OUT, "wb") as f:
    f.write(b"FVGOLD01")
    hb = header.encode("utf-8")
    f.write(struct.pack("<I", len(hb)))
    f.write(hb)
    f.write(struct.pack("<I", len(cases)))
    for op, p, tensors in cases:
        wstr(f, op)
        wstr(f, p)
        f.write(struct.pack("<I", len(tensors)))
        for name, t in tensors:
            wstr(f, name)
            f.write(struct.pack("<B", t.dim()))
            f.write(struct.pack(f"<{t.dim()}i", *t.shape))
            f.write(t.numpy().astype("<f4").tobytes())
print(f"{len(cases)} cases, {os.path.getsize(OUT)} bytes -> {os.path.relpath(OUT)}", file=sys.stderr)
