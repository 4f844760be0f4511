#!/usr/bin/python3
"""Export torchvision models with seeded random weights to ONNX, with an input and PyTorch's output, for
`fovea onnx check DIR` (Fovea.Onnx.OnnxReferenceCheck): Fovea must match PyTorch within 1e-4 relative error.

Usage: /usr/bin/python3 tools/onnx/export_torchvision.py OUT_DIR [--opset 13] [--models resnet18,...]

Writes OUT_DIR/<model>/{model.onnx, input.npy, output.npy} (float32). Generated in CI, not committed.
Needs torch and torchvision (Debian: python3-torch, python3-torchvision); no network access (no pretrained
weights: every weight is drawn from a fixed seed, and BatchNorm statistics are randomised so they matter).
"""
import argparse
import os

import numpy as np
import torch
import torchvision

MODELS = ["resnet18", "mobilenet_v2", "squeezenet1_1", "densenet121", "shufflenet_v2_x1_0"]


def randomise_batchnorm(model, gen):
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=gen) * 0.1)
            m.running_var.copy_(torch.rand(n, generator=gen) + 0.5)
            m.weight.data.copy_(1 + torch.randn(n, generator=gen) * 0.1)
            m.bias.data.copy_(torch.randn(n, generator=gen) * 0.1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--opset", type=int, default=13)
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--size", type=int, default=224)
    args = ap.parse_args()
    for i, name in enumerate(args.models.split(",")):
        torch.manual_seed(1234 + i)
        model = getattr(torchvision.models, name)(weights=None, num_classes=1000)
        gen = torch.Generator().manual_seed(99 + i)
        with torch.no_grad():
            randomise_batchnorm(model, gen)
        model.eval()
        x = torch.randn(1, 3, args.size, args.size, generator=gen)
        with torch.no_grad():
            y = model(x)
        d = os.path.join(args.out, name)
        os.makedirs(d, exist_ok=True)
        torch.onnx.export(model, x, os.path.join(d, "model.onnx"), opset_version=args.opset,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "N"}, "output": {0: "N"}}, do_constant_folding=True)
        np.save(os.path.join(d, "input.npy"), x.numpy().astype(np.float32))
        np.save(os.path.join(d, "output.npy"), y.numpy().astype(np.float32))
        print(f"{name}: {sum(p.numel() for p in model.parameters()):,} parameters -> {d}")


if __name__ == "__main__":
    main()
