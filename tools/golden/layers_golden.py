#!/usr/bin/python3
"""Writes tests/Fovea.Tests/Golden/layers.bin: PyTorch reference values for the Fovea.NN layer classes.

Run from the repository root:  /usr/bin/python3 tools/golden/layers_golden.py
(Debian's torch 1.13.1; seeded, so a rerun writes the same file.)

For each case a torch.nn layer is built (the constructor call is stored, and LayerGoldenTests.cs builds the same
Fovea layer), its parameters and buffers are set to seeded random float32 values (BatchNorm: positive running
variances), and then, in float64 from those float32 values:
    y = layer(x);  (y * dy).sum().backward()
The file stores the state dict (keys and shapes exactly as PyTorch names them), x, dy, y, dx, the gradient of every
parameter, the training flag, and, for layers with buffers, the state dict after the forward pass (running stats).

File layout, little-endian:
  header: one ASCII line "FOVEA-GOLDEN layers 1 tools/golden/layers_golden.py torch <version>\\n"
  int32 case count, then per case:
    string name, string constructor (PyTorch source), int32 training (0/1), int32 entry count, then entries:
      string key, int32 rank, int32[rank] dims, float32 values
  Strings are int32 byte length + UTF-8. Entry keys: "state/<k>", "x", "dy", "y", "dx", "grad/<k>", "after/<k>".
  State-dict entries appear in PyTorch's order; integer tensors (num_batches_tracked, embedding indices) as floats.
"""
import os
import struct

import torch
import torch.nn as nn

OUT = os.path.join("tests", "Fovea.Tests", "Golden", "layers.bin")
SEED = 20261126

cases = []


def case(name, ctor, shape, training=True, indices=None, lo=None):
    """ctor: a Python expression over torch.nn (nn.X(...)); shape: the input shape; indices: (high) for Embedding."""
    torch.manual_seed(SEED + len(cases))
    layer = eval(ctor)
    layer.train(training)
    with torch.no_grad():
        for k, t in layer.state_dict().items():
            if k.endswith("num_batches_tracked"):
                t.fill_(3)
            elif k.endswith("running_var"):
                t.copy_(torch.rand(t.shape) + 0.5)
            elif t.is_floating_point():
                t.copy_(torch.randn(t.shape) * (0.5 if "weight" in k else 0.3))
    state = {k: v.detach().clone().float() for k, v in layer.state_dict().items()}
    if indices is not None:
        x32 = torch.randint(0, indices, shape)
        x = x32.clone()
    else:
        x32 = torch.randn(shape)
        if lo is not None:  # keep inputs away from kinks where finite differences and rounding disagree
            x32 = torch.where(x32.abs() < lo, x32.sign() * lo + x32, x32)
        x = x32.double().requires_grad_()
    layer = layer.double()
    y = layer(x)
    dy32 = torch.randn(y.shape)
    (y * dy32.double()).sum().backward()
    entries = [("state/" + k, v) for k, v in state.items()]
    entries += [("x", x32.float()), ("dy", dy32), ("y", y.detach().float())]
    if indices is None:
        entries.append(("dx", x.grad.float()))
    for k, p in layer.named_parameters():
        entries.append(("grad/" + k, p.grad.float() if p.grad is not None else torch.zeros(p.shape)))
    if len(list(layer.buffers())) > 0:
        entries += [("after/" + k, v.detach().float()) for k, v in layer.state_dict().items()]
    cases.append((name, ctor, training, entries))


# Linear, Flatten, Identity
case("linear", "nn.Linear(5, 3)", (4, 5))
case("linear_nobias_3d", "nn.Linear(5, 3, bias=False)", (2, 3, 5))
case("flatten", "nn.Flatten()", (2, 3, 2, 2))
case("flatten_1_2", "nn.Flatten(1, 2)", (2, 3, 2, 4))
case("identity", "nn.Identity()", (2, 3))

# Convolutions
case("conv1d", "nn.Conv1d(3, 4, 3, stride=2, padding=1)", (2, 3, 9))
case("conv2d", "nn.Conv2d(3, 4, 3)", (2, 3, 6, 5))
case("conv2d_groups", "nn.Conv2d(4, 6, (3, 5), stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2, bias=False)", (2, 4, 7, 8))
case("conv2d_same", "nn.Conv2d(3, 4, 4, padding='same', dilation=2)", (2, 3, 7, 6))
case("conv2d_depthwise", "nn.Conv2d(4, 4, 3, padding=1, groups=4)", (2, 4, 5, 5))
case("conv3d", "nn.Conv3d(2, 3, (2, 3, 3), stride=(1, 2, 1), padding=1)", (2, 2, 3, 5, 4))
case("convt1d", "nn.ConvTranspose1d(3, 2, 4, stride=2, padding=1)", (2, 3, 5))
case("convt2d", "nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1)", (2, 4, 4, 3))
case("convt2d_groups", "nn.ConvTranspose2d(4, 6, (3, 2), stride=(2, 1), groups=2, bias=False, dilation=(1, 2))", (2, 4, 3, 4))
case("convt3d", "nn.ConvTranspose3d(2, 2, 3, stride=2)", (1, 2, 2, 3, 2))

# Pooling
case("maxpool1d", "nn.MaxPool1d(3, 2, 1)", (2, 3, 9))
case("maxpool2d", "nn.MaxPool2d(2)", (2, 3, 6, 4))
case("maxpool2d_ceil", "nn.MaxPool2d(3, 2, 1, ceil_mode=True)", (2, 2, 6, 7))
case("maxpool2d_dilation", "nn.MaxPool2d(3, stride=1, padding=1, dilation=2)", (1, 2, 6, 6))
case("maxpool3d", "nn.MaxPool3d(2)", (1, 2, 4, 4, 6))
case("avgpool1d", "nn.AvgPool1d(3, 2, 1)", (2, 3, 9))
case("avgpool2d", "nn.AvgPool2d(2)", (2, 3, 6, 4))
case("avgpool2d_ceil_nopad", "nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False)", (2, 2, 6, 7))
case("avgpool2d_divisor", "nn.AvgPool2d(3, 2, 1, divisor_override=5)", (1, 2, 5, 5))
case("avgpool3d", "nn.AvgPool3d((2, 2, 2))", (1, 2, 4, 4, 6))
case("adaptiveavg2d", "nn.AdaptiveAvgPool2d((3, 2))", (2, 3, 7, 5))
case("adaptiveavg2d_1", "nn.AdaptiveAvgPool2d(1)", (2, 3, 4, 5))
case("adaptivemax2d", "nn.AdaptiveMaxPool2d((3, 4))", (2, 3, 7, 9))

# Normalisation
case("bn1d_train", "nn.BatchNorm1d(4)", (8, 4))
case("bn1d_eval", "nn.BatchNorm1d(4)", (6, 4, 5), training=False)
case("bn2d_train", "nn.BatchNorm2d(3)", (4, 3, 3, 5))
case("bn2d_eval", "nn.BatchNorm2d(3)", (4, 3, 3, 5), training=False)
case("bn2d_cumulative", "nn.BatchNorm2d(3, momentum=None)", (4, 3, 2, 2))
case("bn2d_noaffine", "nn.BatchNorm2d(3, eps=1e-3, momentum=0.2, affine=False)", (4, 3, 2, 3))
case("bn2d_notrack_eval", "nn.BatchNorm2d(3, track_running_stats=False)", (4, 3, 2, 3), training=False)
case("bn3d_train", "nn.BatchNorm3d(2)", (3, 2, 2, 3, 2))
case("layernorm", "nn.LayerNorm(5)", (2, 3, 5))
case("layernorm_2d", "nn.LayerNorm([3, 4], eps=1e-4)", (2, 3, 4))
case("layernorm_noaffine", "nn.LayerNorm(6, elementwise_affine=False)", (3, 6))
case("groupnorm", "nn.GroupNorm(2, 6)", (2, 6, 3, 3))
case("groupnorm_noaffine", "nn.GroupNorm(3, 6, affine=False)", (2, 6, 4))

# Embedding, Upsample, Dropout in eval mode
case("embedding", "nn.Embedding(10, 4)", (2, 5), indices=10)
case("embedding_padding", "nn.Embedding(10, 4, padding_idx=0)", (3, 6), indices=3)
case("upsample_nearest", "nn.Upsample(scale_factor=2)", (1, 2, 3, 4))
case("upsample_nearest_size", "nn.Upsample(size=(5, 7))", (1, 2, 3, 4))
case("upsample_bilinear", "nn.Upsample(scale_factor=2, mode='bilinear')", (1, 2, 3, 4))
case("upsample_bilinear_ac", "nn.Upsample(size=(5, 7), mode='bilinear', align_corners=True)", (1, 2, 3, 4))
case("dropout_eval", "nn.Dropout(0.3)", (3, 4), training=False)
case("dropout2d_eval", "nn.Dropout2d(0.3)", (2, 3, 2, 2), training=False)

# Containers: nested names ("0.0.weight", "1.running_mean") and a whole small CNN, trained one step's forward
case("small_cnn", "nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(36, 5))", (3, 1, 6, 6))
case("nested_seq", "nn.Sequential(nn.Sequential(nn.Conv2d(2, 3, 3), nn.GroupNorm(1, 3)), nn.GELU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(3, 2))", (2, 2, 5, 5))

# Activations (inputs kept at least 0.05 away from kinks)
for n, c in [("relu", "nn.ReLU()"), ("relu6", "nn.ReLU6()"), ("leakyrelu", "nn.LeakyReLU(0.1)"),
             ("prelu", "nn.PReLU()"), ("prelu_channels", "nn.PReLU(3, init=0.1)"), ("elu", "nn.ELU(0.5)"),
             ("gelu", "nn.GELU()"), ("gelu_tanh", "nn.GELU(approximate='tanh')"), ("silu", "nn.SiLU()"),
             ("sigmoid", "nn.Sigmoid()"), ("tanh", "nn.Tanh()"), ("softmax", "nn.Softmax(dim=1)"),
             ("logsoftmax", "nn.LogSoftmax(dim=-1)"), ("hardswish", "nn.Hardswish()"), ("hardsigmoid", "nn.Hardsigmoid()")]:
    case(n, c, (2, 3, 4), lo=0.05)
# relu6 / hardswish / hardsigmoid also across their upper kinks (inputs scaled by 4, kept off the kinks)
torch.manual_seed(SEED + 999)
x32 = torch.randn(2, 3, 4) * 4
for n, c in [("relu6_wide", "nn.ReLU6()"), ("hardswish_wide", "nn.Hardswish()"), ("hardsigmoid_wide", "nn.Hardsigmoid()")]:
    x32 = torch.where(((x32.abs() - 3).abs() < 0.05) | (x32.abs() < 0.05) | ((x32 - 6).abs() < 0.05), x32 + 0.1, x32)
    layer = eval(c).double()
    xd = x32.double().requires_grad_()
    y = layer(xd)
    dy = torch.randn(y.shape)
    (y * dy.double()).sum().backward()
    cases.append((n, c, True, [("x", x32.clone()), ("dy", dy), ("y", y.detach().float()), ("dx", xd.grad.float())]))


def w_str(f, s):
    b = s.encode("utf-8")
    f.write(struct.pack("<i", len(b)))
    f.write(b)


with open(OUT, "wb") as f:
    f.write(f"FOVEA-GOLDEN layers 1 tools/golden/layers_golden.py torch {torch.__version__}\n".encode("ascii"))
    f.write(struct.pack("<i", len(cases)))
    for name, ctor, training, entries in cases:
        w_str(f, name)
        w_str(f, ctor)
        f.write(struct.pack("<ii", 1 if training else 0, len(entries)))
        for k, t in entries:
            t = t.detach().contiguous().to(torch.float32)
            w_str(f, k)
            f.write(struct.pack("<i", t.dim()))
            f.write(struct.pack(f"<{t.dim()}i", *t.shape))
            f.write(t.numpy().astype("<f4").tobytes())

print(f"wrote {OUT}: {len(cases)} cases, {os.path.getsize(OUT)} bytes")
