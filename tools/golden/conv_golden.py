#!/usr/bin/python3
"""Writes tests/Fovea.Tests/Golden/conv.bin: PyTorch reference values for Fovea's Conv and ConvTranspose ops.

Run from the repository root:  /usr/bin/python3 tools/golden/conv_golden.py
(Debian's torch 1.13.1; seeded, so a rerun writes the same file.)

For each configuration: inputs x, w, b (float32, seeded normal), an output gradient dy, and from PyTorch
(computed in float64 from those float32 inputs, stored as float32) y = op(x, w, b) and dx, dw, db of sum(y * dy).
Asymmetric padding (ONNX pads, padding='same' with even kernels) is done as F.pad followed by an unpadded conv.

File layout, little-endian:
  header: one ASCII line "FOVEA-GOLDEN conv 1 tools/golden/conv_golden.py torch <version>\\n"
  int32 count, then per case:
    int32 name length, UTF-8 name
    int32 kind (0 conv, 1 transposed conv), int32 spatial axes n, int32 groups, int32 has_bias
    int32[n] stride, int32[n] pad_begin, int32[n] pad_end, int32[n] dilation, int32[n] output_padding
    8 tensors x, w, b, dy, y, dx, dw, db: int32 rank, int32[rank] dims, float32 values (b and db are [0] without bias)
"""
import os
import struct

import torch
import torch.nn.functional as F

OUT = os.path.join("tests", "Fovea.Tests", "Golden", "conv.bin")
torch.manual_seed(20261126)

CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
TRANS = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def tup(v, n):
    return list(v) if isinstance(v, (list, tuple)) else [v] * n


def same_pads(k, d):
    # PyTorch's padding='same': total d*(k-1) per axis, the odd one at the end.
    tot = [di * (ki - 1) for ki, di in zip(k, d)]
    return [t // 2 for t in tot], [t - t // 2 for t in tot]


cases = []


def conv(name, batch, cin, cout, size, k, stride=1, pad=0, dil=1, groups=1, bias=True, pad_end=None, same=False):
    n = len(size)
    k, s, d = tup(k, n), tup(stride, n), tup(dil, n)
    if same:
        pb, pe = same_pads(k, d)
    else:
        pb = tup(pad, n)
        pe = tup(pad_end, n) if pad_end is not None else pb
    cases.append(dict(name=name, kind=0, n=n, batch=batch, cin=cin, cout=cout, size=size, k=k, s=s, pb=pb, pe=pe,
                      d=d, op=[0] * n, groups=groups, bias=bias, same=same))


def trans(name, batch, cin, cout, size, k, stride=1, pad=0, out_pad=0, dil=1, groups=1, bias=True):
    n = len(size)
    cases.append(dict(name=name, kind=1, n=n, batch=batch, cin=cin, cout=cout, size=size, k=tup(k, n), s=tup(stride, n),
                      pb=tup(pad, n), pe=tup(pad, n), d=tup(dil, n), op=tup(out_pad, n), groups=groups, bias=bias, same=False))


# conv1d
conv("conv1d k3 p1", 2, 3, 4, [11], 3, pad=1)
conv("conv1d k5 s2 p2", 3, 4, 5, [17], 5, stride=2, pad=2)
conv("conv1d k3 d2 p2 nobias", 1, 2, 3, [13], 3, pad=2, dil=2, bias=False)
conv("conv1d k3 groups2", 2, 4, 6, [9], 3, pad=1, groups=2)
conv("conv1d same k4", 2, 3, 4, [10], 4, same=True)
conv("conv1d same k5 d2", 1, 3, 2, [12], 5, dil=2, same=True)
conv("conv1d depthwise k3 s3", 2, 5, 5, [16], 3, stride=3, pad=1, groups=5)
# conv2d
conv("conv2d k3 p1", 2, 3, 8, [9, 10], 3, pad=1)
conv("conv2d k3 s2 p1", 3, 4, 6, [11, 9], 3, stride=2, pad=1)
conv("conv2d k5 p2 d1", 1, 2, 4, [12, 12], 5, pad=2)
conv("conv2d k3 d2 p2", 2, 3, 4, [10, 11], 3, pad=2, dil=2)
conv("conv2d k3 s3 d3 p0", 1, 2, 3, [17, 16], 3, stride=3, dil=3)
conv("conv2d 1x1", 2, 16, 8, [7, 9], 1)
conv("conv2d 1x1 s2", 2, 6, 5, [9, 8], 1, stride=2)
conv("conv2d k3 groups4", 2, 8, 12, [8, 8], 3, pad=1, groups=4)
conv("conv2d depthwise k3", 3, 6, 6, [10, 13], 3, pad=1, groups=6)
conv("conv2d depthwise k5 s2", 2, 4, 4, [13, 12], 5, stride=2, pad=2, groups=4)
conv("conv2d depthwise mult2", 2, 3, 6, [9, 9], 3, pad=1, groups=3)
conv("conv2d same k3", 2, 3, 5, [8, 9], 3, same=True)
conv("conv2d same k2", 2, 3, 5, [8, 9], 2, same=True)
conv("conv2d same k4x2 d2", 1, 2, 3, [10, 9], [4, 2], dil=2, same=True)
conv("conv2d same depthwise k4", 2, 4, 4, [9, 20], 4, groups=4, same=True)
conv("conv2d asym pads", 2, 3, 4, [9, 10], 3, pad=[0, 2], pad_end=[1, 0])
conv("conv2d k2x4 s[1,2] nobias", 2, 3, 4, [7, 12], [2, 4], stride=[1, 2], pad=[1, 0], bias=False)
conv("conv2d larger 8->16 14x14", 4, 8, 16, [14, 14], 3, pad=1)
# conv3d
conv("conv3d k3 p1", 2, 2, 3, [5, 6, 7], 3, pad=1)
conv("conv3d k2 s2", 1, 3, 4, [6, 7, 6], 2, stride=2)
conv("conv3d k3 d2 groups2", 2, 4, 4, [6, 7, 7], 3, pad=2, dil=2, groups=2)
conv("conv3d same k2", 1, 2, 3, [5, 4, 6], 2, same=True)
conv("conv3d 1x1x1", 2, 4, 3, [3, 4, 5], 1)
# transposed
trans("convtranspose1d k3 s2 p1 op1", 2, 3, 4, [7], 3, stride=2, pad=1, out_pad=1)
trans("convtranspose1d k4 s1 groups2", 2, 4, 6, [6], 4, groups=2)
trans("convtranspose2d k3 s1 p1", 2, 4, 3, [6, 7], 3, pad=1)
trans("convtranspose2d k4 s2 p1", 2, 3, 5, [5, 6], 4, stride=2, pad=1)
trans("convtranspose2d k3 s2 p1 op1", 2, 4, 3, [5, 5], 3, stride=2, pad=1, out_pad=1)
trans("convtranspose2d k3 s3 d2 op2", 1, 2, 3, [4, 5], 3, stride=3, out_pad=2, dil=2)
trans("convtranspose2d groups2 nobias", 2, 4, 6, [5, 4], 3, stride=2, groups=2, bias=False)
trans("convtranspose2d depthwise", 2, 5, 5, [6, 6], 3, stride=1, pad=1, groups=5)
trans("convtranspose2d depthwise s2", 2, 3, 3, [5, 6], 4, stride=2, pad=1, groups=3)
trans("convtranspose3d k3 s2 p1 op1", 1, 2, 3, [3, 4, 3], 3, stride=2, pad=1, out_pad=1)
trans("convtranspose3d k2 s2 groups2", 2, 4, 2, [3, 3, 2], 2, stride=2, groups=2)


def run(c):
    n, g = c["n"], c["groups"]
    x = torch.randn(c["batch"], c["cin"], *c["size"])
    if c["kind"] == 0:
        w = torch.randn(c["cout"], c["cin"] // g, *c["k"])
    else:
        w = torch.randn(c["cin"], c["cout"] // g, *c["k"])
    b = torch.randn(c["cout"]) if c["bias"] else torch.zeros(0)
    xd = x.double().requires_grad_()
    wd = w.double().requires_grad_()
    bd = b.double().requires_grad_() if c["bias"] else None
    if c["kind"] == 0:
        if c["pb"] == c["pe"]:
            y = CONV[n](xd, wd, bd, stride=c["s"], padding=c["pb"], dilation=c["d"], groups=g)
        else:
            pads = []
            for i in reversed(range(n)):  # F.pad takes the last axis first
                pads += [c["pb"][i], c["pe"][i]]
            y = CONV[n](F.pad(xd, pads), wd, bd, stride=c["s"], padding=0, dilation=c["d"], groups=g)
            if c["same"]:  # check the emulation against PyTorch's own padding='same'
                ys = CONV[n](xd, wd, bd, padding="same", dilation=c["d"], groups=g)
                assert torch.allclose(y, ys), c["name"]
    else:
        y = TRANS[n](xd, wd, bd, stride=c["s"], padding=c["pb"], output_padding=c["op"], groups=g, dilation=c["d"])
    dy = torch.randn(*y.shape)
    (y * dy.double()).sum().backward()
    db = bd.grad if c["bias"] else torch.zeros(0)
    return [x, w, b, dy, y.detach(), xd.grad, wd.grad, db]


def tensor_bytes(t):
    t = t.detach().to(torch.float32).contiguous()
    dims = list(t.shape)
    head = struct.pack("<i", len(dims)) + struct.pack(f"<{len(dims)}i", *dims)
    return head + t.numpy().astype("<f4").tobytes()


def main():
    out = bytearray(f"FOVEA-GOLDEN conv 1 tools/golden/conv_golden.py torch {torch.__version__}\n".encode("ascii"))
    out += struct.pack("<i", len(cases))
    for c in cases:
        n = c["n"]
        name = c["name"].encode("utf-8")
        out += struct.pack("<i", len(name)) + name
        out += struct.pack("<4i", c["kind"], n, c["groups"], int(c["bias"]))
        for key in ("s", "pb", "pe", "d", "op"):
            out += struct.pack(f"<{n}i", *c[key])
        for t in run(c):
            out += tensor_bytes(t)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "wb") as f:
        f.write(out)
    print(f"wrote {OUT}: {len(cases)} cases, {len(out)} bytes")


if __name__ == "__main__":
    main()
