#!/usr/bin/env python3
"""Writes the NumPy/PyTorch golden files for Fovea's NPY/NPZ readers (tests/Fovea.Tests/IO/NpyTests.cs, NpzTests.cs).

Run from the repository root:  /usr/bin/python3 tools/golden/npy_golden.py
Output: tests/Fovea.Tests/Golden/npy/*.npy, *.npz and expected.json (for every array: shape and values as float64,
so the tests check the readers against NumPy's own reading of each file, not against themselves).
Deterministic: fixed seeds, no timestamps in the data (zip entry times differ between runs; the tests ignore them).
"""
import json
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Fovea.Tests", "Golden", "npy")
os.makedirs(OUT, exist_ok=True)
expected = {}


def record(name, arr):
    a = np.asarray(arr)
    expected[name] = {"shape": list(a.shape), "values": [float(v) for v in a.astype(np.float64).ravel(order="C")]}


def save(name, arr, version=None):
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        np.lib.format.write_array(f, arr, version=version, allow_pickle=False)
    back = np.load(path)
    assert back.dtype == arr.dtype and back.shape == arr.shape
    record(name, back)


rng = np.random.default_rng(1234)
save("f4.npy", (np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5 - 1).astype(np.float32))
save("f8.npy", np.array([[1 / 3, -2.5e-8], [1e30, np.pi]], dtype=np.float64))
save("f2.npy", np.array([0.5, -1.25, 65504, 6e-8], dtype=np.float16))
save("i1.npy", np.array([-128, -1, 0, 127], dtype=np.int8))
save("i2.npy", np.array([-32768, 7, 32767], dtype=np.int16))
save("i4.npy", np.array([[-2147483648, 0], [5, 2147483647]], dtype=np.int32))
save("i8.npy", np.array([-3, 0, 2 ** 24, 2 ** 40 + 1, -(2 ** 62)], dtype=np.int64))
save("u1.npy", np.array([0, 1, 200, 255], dtype=np.uint8))
save("bool.npy", np.array([[True, False, True], [False, False, True]]))
save("be_f4.npy", np.array([1.5, -2.0, 3.25e-3, 1e20], dtype=">f4"))
save("be_i4.npy", np.array([[1, -2], [65536, -2147483648]], dtype=">i4"))
save("be_f8.npy", np.array([2.0 / 3, -1e-300], dtype=">f8"))
save("fortran.npy", np.asfortranarray(np.arange(24, dtype=np.float32).reshape(2, 3, 4)))
save("fortran_f8.npy", np.asfortranarray(rng.standard_normal((3, 5))))
save("scalar.npy", np.array(3.5, dtype=np.float32))
save("empty.npy", np.zeros((0, 3), dtype=np.float32))
save("v2.npy", rng.standard_normal((4, 3)).astype(np.float32), version=(2, 0))
save("v3.npy", np.arange(5, dtype=np.float32), version=(3, 0))

arrays = {"weights": rng.standard_normal((3, 4)).astype(np.float32),
          "labels": np.array([2, 0, 1], dtype=np.int64),
          "mask": np.array([True, False]),
          "scalar": np.array(-7.25)}
np.savez(os.path.join(OUT, "savez.npz"), **arrays)
np.savez_compressed(os.path.join(OUT, "savez_compressed.npz"), **arrays)
for k, v in arrays.items():
    record("savez.npz/" + k, v)

torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.Linear(4, 3))
model.train()
with torch.no_grad():
    model(torch.randn(2, 1, 3, 6))  # conv -> [2,2,1,4]; BN updates running stats; Linear acts on the last axis (4)
state = {k: v.detach().cpu().numpy() for k, v in model.state_dict().items()}
np.savez(os.path.join(OUT, "torch_state.npz"), **state)
for k, v in state.items():
    record("torch_state.npz/" + k, v)
expected["torch_state.npz/__keys__"] = {"keys": list(state.keys())}

with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=False)
    f.write("\n")
print("wrote", len(os.listdir(OUT)), "files to", os.path.normpath(OUT))
