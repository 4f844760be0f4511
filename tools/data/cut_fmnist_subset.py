#!/usr/bin/python3
"""Cuts Fovea's embedded default data set: a balanced, seeded subset of Fashion-MNIST.

6,000 training images (600 per class) from the 60,000 training images and 1,000 test images (100 per class)
from the 10,000 test images, written as gzipped IDX files (the format of the original) under
src/Fovea/Data/Embedded/. Each class's images keep their original relative order; the classes are interleaved
in that order too (the kept indices are sorted), so the files read like a smaller Fashion-MNIST.

Usage: /usr/bin/python3 tools/data/cut_fmnist_subset.py [--src /usr/share/datasets/fashion-mnist] [--seed 20240607]
Source: Debian package dataset-fashion-mnist (MIT, Zalando SE).
"""
import argparse
import gzip
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "..", "src", "Fovea", "Data", "Embedded"))


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    assert zero == 0 and dtype == 0x08, f"{path}: not a ubyte IDX file"
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    assert arr.size == int(np.prod(dims)), f"{path}: length does not match header {dims}"
    return arr.reshape(dims)


def write_idx(path, arr):
    arr = np.ascontiguousarray(arr, dtype=np.uint8)
    header = struct.pack(">HBB", 0, 0x08, arr.ndim) + struct.pack(">" + "I" * arr.ndim, *arr.shape)
    # mtime=0 and a fixed name make the gzip bytes reproducible.
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as f:
            f.write(header + arr.tobytes())


def cut(src, split, per_class, rng):
    images = read_idx(os.path.join(src, f"{split}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(src, f"{split}-labels-idx1-ubyte.gz"))
    keep = []
    for c in range(10):
        idx = np.flatnonzero(labels == c)
        keep.append(rng.choice(idx, size=per_class, replace=False))
    keep = np.sort(np.concatenate(keep))
    return images[keep], labels[keep]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--seed", type=int, default=20240607)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    os.makedirs(OUT, exist_ok=True)
    total = 0
    for split, per_class in (("train", 600), ("t10k", 100)):
        x, y = cut(args.src, split, per_class, rng)
        for kind, arr in (("images-idx3", x), ("labels-idx1", y)):
            path = os.path.join(OUT, f"{split}-{kind}-ubyte.gz")
            write_idx(path, arr)
            size = os.path.getsize(path)
            total += size
            print(f"{path}: shape {arr.shape}, {size} bytes")
        print(f"{split}: per-class counts {np.bincount(y, minlength=10).tolist()}")
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()
