#!/usr/bin/python3
"""Writes tests/Fovea.Tests/Golden/ops.json: forward outputs and input gradients of Fovea's tensor ops computed
by PyTorch (1.13) on small seeded float32 inputs. Run from the repository root: /usr/bin/python3 tools/golden/ops_golden.py

Each case: op key, args, inputs (shape, values, whether they need a gradient, an optional "prep" applied before
the op: "T" = transpose the last two axes, "E:<shape>" = expand), the output, a random weight w of the output's
shape and the gradients of sum(output * w) with respect to the stored inputs. Index-like inputs (gather indices,
where conditions) are stored as floats holding integers, as Fovea keeps them.
"""
import json, math, os
import torch
import torch.nn.functional as F

torch.manual_seed(1234)
g = torch.Generator().manual_seed(1234)

def randn(*s): return torch.randn(s, generator=g)
def pos(*s): return torch.rand(s, generator=g) + 0.5
def away(*s):
    t = randn(*s); return t + 0.1 * torch.sign(t)
def ints(high, *s): return torch.randint(0, high, s, generator=g).float()
def halves(*s): return torch.round(randn(*s) * 2) / 2       # many ties

def prep(t, p):
    if p is None: return t
    if p == "T": return t.transpose(-1, -2)
    if p.startswith("E:"): return t.expand(*json.loads(p[2:]))
    raise ValueError(p)

def L(t): return t.long()

OPS = {
    "exp": lambda x, a: torch.exp(x[0]), "log": lambda x, a: torch.log(x[0]), "sqrt": lambda x, a: torch.sqrt(x[0]),
    "abs": lambda x, a: torch.abs(x[0]), "sigmoid": lambda x, a: torch.sigmoid(x[0]), "tanh": lambda x, a: torch.tanh(x[0]),
    "square": lambda x, a: torch.square(x[0]), "pow_s": lambda x, a: torch.pow(x[0], a["p"]),
    "pow_t": lambda x, a: torch.pow(x[0], x[1]),
    "clamp": lambda x, a: torch.clamp(x[0], a.get("min"), a.get("max")),
    "erf": lambda x, a: torch.erf(x[0]), "reciprocal": lambda x, a: torch.reciprocal(x[0]),
    "sign": lambda x, a: torch.sign(x[0]), "floor": lambda x, a: torch.floor(x[0]), "round": lambda x, a: torch.round(x[0]),
    "relu6": lambda x, a: F.relu6(x[0]), "hardtanh": lambda x, a: F.hardtanh(x[0], a["min"], a["max"]),
    "leaky_relu": lambda x, a: F.leaky_relu(x[0], a["slope"]), "elu": lambda x, a: F.elu(x[0], a["alpha"]),
    "selu": lambda x, a: F.selu(x[0]), "gelu": lambda x, a: F.gelu(x[0], approximate=a["approximate"]),
    "silu": lambda x, a: F.silu(x[0]), "hardswish": lambda x, a: F.hardswish(x[0]),
    "hardsigmoid": lambda x, a: F.hardsigmoid(x[0]),
    "softplus": lambda x, a: F.softplus(x[0], a["beta"], a["threshold"]), "mish": lambda x, a: F.mish(x[0]),
    "prelu": lambda x, a: F.prelu(x[0], x[1]),
    "softmax": lambda x, a: torch.softmax(x[0], a["axis"]), "log_softmax": lambda x, a: torch.log_softmax(x[0], a["axis"]),
    "squeeze": lambda x, a: torch.squeeze(x[0]) if "axis" not in a else torch.squeeze(x[0], a["axis"]),
    "unsqueeze": lambda x, a: torch.unsqueeze(x[0], a["axis"]),
    "narrow": lambda x, a: torch.narrow(x[0], a["axis"], a["start"] % x[0].shape[a["axis"]] if a["start"] < 0 else a["start"], a["length"]),
    "slice": lambda x, a: x[0][(slice(None),) * (a["axis"] % x[0].dim()) + (slice(a["start"], a["end"], a["step"]),)],
    "cat": lambda x, a: torch.cat(x, a["axis"]), "stack": lambda x, a: torch.stack(x, a["axis"]),
    "split": lambda x, a: torch.cat([p.reshape(-1) for p in torch.split(x[0], a["size"], a["axis"])]),
    "max_all": lambda x, a: torch.max(x[0]), "min_all": lambda x, a: torch.min(x[0]),
    "max": lambda x, a: torch.max(x[0], a["axis"], a["keepDim"]).values,
    "min": lambda x, a: torch.min(x[0], a["axis"], a["keepDim"]).values,
    "argmax": lambda x, a: torch.argmax(x[0], a["axis"], a["keepDim"]).float(),
    "argmin": lambda x, a: torch.argmin(x[0], a["axis"], a["keepDim"]).float(),
    "argmax_all": lambda x, a: torch.argmax(x[0]).float(),
    "var": lambda x, a: torch.var(x[0], a["axes"], correction=a["correction"], keepdim=a["keepDim"]),
    "std": lambda x, a: torch.std(x[0], a["axes"], correction=a["correction"], keepdim=a["keepDim"]),
    "gather": lambda x, a: torch.gather(x[0], a["axis"], L(x[1])),
    "index_select": lambda x, a: torch.index_select(x[0], a["axis"], L(x[1])),
    "one_hot": lambda x, a: F.one_hot(L(x[0]), a["n"]).float(),
    "eq": lambda x, a: torch.eq(x[0], x[1]).float(), "ne": lambda x, a: torch.ne(x[0], x[1]).float(),
    "gt": lambda x, a: torch.gt(x[0], x[1]).float(), "ge": lambda x, a: torch.ge(x[0], x[1]).float(),
    "lt": lambda x, a: torch.lt(x[0], x[1]).float(), "le": lambda x, a: torch.le(x[0], x[1]).float(),
    "eq_s": lambda x, a: torch.eq(x[0], a["s"]).float(), "gt_s": lambda x, a: torch.gt(x[0], a["s"]).float(),
    "le_s": lambda x, a: torch.le(x[0], a["s"]).float(),
    "where": lambda x, a: torch.where(x[0] != 0, x[1], x[2]),
    "maximum": lambda x, a: torch.maximum(x[0], x[1]), "minimum": lambda x, a: torch.minimum(x[0], x[1]),
    "pad": lambda x, a: F.pad(x[0], a["pads"], a["mode"], a.get("value", 0.0)) if a["mode"] == "constant" else F.pad(x[0], a["pads"], a["mode"]),
    "cumsum": lambda x, a: torch.cumsum(x[0], a["axis"]),
    "repeat": lambda x, a: x[0].repeat(*a["repeats"]), "tile": lambda x, a: torch.tile(x[0], a["repeats"]),
    "flip": lambda x, a: torch.flip(x[0], a["axes"]),
}

cases = []
def case(op, inputs, args=None, grad=None, name=None):
    """inputs: list of (tensor, needs_grad, prep)."""
    args = args or {}
    xs = []
    leaves = []
    for t, ng, p in inputs:
        leaf = t.detach().clone().float().requires_grad_(ng)
        leaves.append(leaf)
        xs.append(prep(leaf, p))
    y = OPS[op](xs, args)
    w = torch.randn(y.shape, generator=g)
    grads = [None] * len(leaves)
    if y.requires_grad and y.numel() > 0:
        (y * w).sum().backward()
        grads = [l.grad if l.requires_grad else None for l in leaves]
        grads = [gr if gr is not None or not l.requires_grad else torch.zeros_like(l) for gr, l in zip(grads, leaves)]
    elif y.requires_grad:
        grads = [torch.zeros_like(l) if l.requires_grad else None for l in leaves]
    enc = lambda t: None if t is None else {"shape": list(t.shape), "data": [float("%.9g" % v) for v in t.detach().reshape(-1).tolist()]}
    cases.append({
        "name": name or op, "op": op, "args": args,
        "inputs": [dict(enc(t), grad=ng, prep=p) for (t, ng, p) in inputs],
        "out": enc(y), "w": enc(w), "grads": [enc(gr) for gr in grads],
    })

def U(op, make, shape=(3, 4), args=None, grad=True, variants=True):
    case(op, [(make(*shape), grad, None)], args)
    if variants:
        case(op, [(make(*reversed(shape)), grad, "T")], args, name=op + "/transposed")
        case(op, [(make(1, shape[-1]), grad, f"E:{json.dumps([3, shape[-1]])}")], args, name=op + "/expanded")
        case(op, [(make(0, 3), grad, None)], args, name=op + "/empty")
        case(op, [(make(), grad, None)], args, name=op + "/0d")

# elementwise math
U("exp", randn); U("log", pos); U("sqrt", pos); U("abs", away); U("sigmoid", randn); U("tanh", randn)
U("square", randn); U("erf", lambda *s: randn(*s) * 2); U("reciprocal", away)
U("pow_s", pos, args={"p": 2.5}); U("pow_s", randn, args={"p": 3.0}, variants=False); U("pow_s", pos, args={"p": -1.5}, variants=False)
U("pow_s", randn, args={"p": 2.0}, variants=False); U("pow_s", randn, args={"p": 0.0}, variants=False)
case("pow_t", [(pos(2, 3), True, None), (randn(3), True, None)])
case("pow_t", [(pos(3, 2), True, "T"), (randn(2, 1), True, None)], name="pow_t/transposed")
U("clamp", randn, args={"min": -0.5, "max": 0.7}); U("clamp", randn, args={"min": 0.1}, variants=False)
U("clamp", randn, args={"max": -0.2}, variants=False)
U("sign", halves, grad=False); U("floor", lambda *s: randn(*s) * 3, grad=False)
case("round", [(torch.tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49, -3.7]), False, None)])
# activations
big = lambda *s: randn(*s) * 4
U("relu6", big); U("hardtanh", randn, args={"min": -0.5, "max": 0.7}); U("leaky_relu", randn, args={"slope": 0.1})
U("elu", randn, args={"alpha": 1.3}); U("selu", randn); U("gelu", big, args={"approximate": "none"})
U("gelu", big, args={"approximate": "tanh"}); U("silu", big); U("hardswish", big); U("hardsigmoid", big)
U("softplus", big, args={"beta": 1.0, "threshold": 20.0}); U("softplus", big, args={"beta": 2.0, "threshold": 1.0}, variants=False)
U("mish", big)
case("gelu", [(torch.tensor([-9.0, -6.0, -4.0, -2.5, -1e-3, 0.0, 1e-3, 2.5, 6.0]), True, None)], {"approximate": "none"}, name="gelu/tails")
case("erf", [(torch.tensor([-5.0, -3.0, -1.0, -0.999, -1e-4, 0.0, 1e-4, 0.5, 1.0, 1.001, 2.2, 4.0, 9.0]), True, None)], name="erf/range")
case("mish", [(torch.tensor([-30.0, -8.0, -1e-3, 0.0, 5.0, 19.0, 25.0]), True, None)], name="mish/range")
case("softplus", [(torch.tensor([-30.0, -8.0, 0.0, 5.0, 19.0, 21.0]), True, None)], {"beta": 1.0, "threshold": 20.0}, name="softplus/range")
case("prelu", [(randn(2, 3, 4), True, None), (torch.tensor([0.25]), True, None)])
case("prelu", [(randn(2, 3, 2, 2), True, None), (torch.tensor([0.1, -0.2, 0.3]), True, None)], name="prelu/channels")
case("prelu", [(randn(4, 3), True, "T"), (torch.tensor([0.1, -0.2, 0.3, 0.5]), True, None)], name="prelu/transposed")
# softmax
for shape, axis in [((3, 5), 1), ((2, 3, 4), 0), ((2, 3, 4), -2), ((2, 3, 4), -1), ((), 0), ((2, 0), 1)]:
    for op in ["softmax", "log_softmax"]:
        case(op, [(randn(*shape) * 3, True, None)], {"axis": axis}, name=f"{op}/{len(shape)}d/axis{axis}")
case("softmax", [(randn(5, 3), True, "T")], {"axis": 1}, name="softmax/transposed")
case("log_softmax", [(randn(1, 4), True, "E:[3,4]")], {"axis": 0}, name="log_softmax/expanded")
# views and joins
case("squeeze", [(randn(2, 1, 3, 1), True, None)]); case("squeeze", [(randn(2, 1, 3), True, None)], {"axis": -2}, name="squeeze/axis")
case("squeeze", [(randn(2, 3), True, None)], {"axis": 0}, name="squeeze/noop")
case("squeeze", [(randn(3, 1), True, "T")], {"axis": 0}, name="squeeze/transposed")
case("unsqueeze", [(randn(2, 3), True, None)], {"axis": -1}); case("unsqueeze", [(randn(), True, None)], {"axis": 0}, name="unsqueeze/0d")
case("unsqueeze", [(randn(3, 2), True, "T")], {"axis": 1}, name="unsqueeze/transposed")
case("narrow", [(randn(4, 5), True, None)], {"axis": 1, "start": 1, "length": 3})
case("narrow", [(randn(5, 4), True, "T")], {"axis": 0, "start": -3, "length": 2}, name="narrow/transposed")
case("slice", [(randn(3, 7), True, None)], {"axis": 1, "start": 1, "end": 6, "step": 2})
case("slice", [(randn(7, 3), True, None)], {"axis": 0, "start": -5, "end": 100, "step": 3}, name="slice/negative")
case("slice", [(randn(6, 3), True, "T")], {"axis": -1, "start": 0, "end": -1, "step": 1}, name="slice/transposed")
case("slice", [(randn(3, 4), True, None)], {"axis": 1, "start": 3, "end": 1, "step": 1}, name="slice/empty")
case("cat", [(randn(2, 3), True, None), (randn(2, 1), True, None), (randn(2, 2), True, None)], {"axis": -1})
case("cat", [(randn(2, 3), True, None), (randn(3, 3), True, "T"), (randn(0, 3), True, None)], {"axis": 0}, name="cat/mixed")
case("stack", [(randn(2, 3), True, None), (randn(2, 3), True, None)], {"axis": 1})
case("stack", [(randn(3, 2), True, "T"), (randn(2, 3), True, None)], {"axis": -1}, name="stack/transposed")
case("split", [(randn(7, 2), True, None)], {"size": 3, "axis": 0})
case("split", [(randn(2, 6), True, None)], {"size": [1, 3, 2], "axis": -1}, name="split/sizes")
case("split", [(randn(5, 3), True, "T")], {"size": 2, "axis": 1}, name="split/transposed")
# reductions
case("max_all", [(randn(3, 4), True, None)]); case("min_all", [(randn(5), True, None)])
case("max_all", [(randn(4, 3), True, "T")], name="max_all/transposed"); case("min_all", [(randn(), True, None)], name="min_all/0d")
for kd in [False, True]:
    case("max", [(randn(3, 4, 2), True, None)], {"axis": 1, "keepDim": kd}, name=f"max/keep{kd}")
    case("min", [(randn(3, 4), True, None)], {"axis": -1, "keepDim": kd}, name=f"min/keep{kd}")
    case("argmax", [(randn(3, 4, 2), False, None)], {"axis": -2, "keepDim": kd}, name=f"argmax/keep{kd}")
    case("argmin", [(randn(3, 5), False, None)], {"axis": 0, "keepDim": kd}, name=f"argmin/keep{kd}")
case("max", [(randn(4, 3), True, "T")], {"axis": 0, "keepDim": False}, name="max/transposed")
case("max", [(randn(0, 3), True, None)], {"axis": 1, "keepDim": False}, name="max/empty")
case("argmax_all", [(randn(3, 4), False, None)]); case("argmax_all", [(randn(4, 3), False, "T")], name="argmax_all/transposed")
for axes, kd, c in [([1], False, 1), ([0, 2], True, 0), ([-1], True, 1), ([0, 1, 2], False, 1)]:
    case("var", [(randn(3, 4, 2), True, None)], {"axes": axes, "keepDim": kd, "correction": c}, name=f"var/{axes}/{kd}/{c}")
    case("std", [(randn(3, 4, 2), True, None)], {"axes": axes, "keepDim": kd, "correction": c}, name=f"std/{axes}/{kd}/{c}")
case("var", [(randn(4, 3), True, "T")], {"axes": [1], "keepDim": False, "correction": 1}, name="var/transposed")
case("std", [(randn(1, 5), True, "E:[3,5]")], {"axes": [0], "keepDim": True, "correction": 0}, name="std/expanded")
# indexing
case("gather", [(randn(3, 4), True, None), (ints(4, 3, 5), False, None)], {"axis": 1})
case("gather", [(randn(3, 4, 2), True, None), (ints(3, 2, 4, 2), False, None)], {"axis": 0}, name="gather/axis0")
case("gather", [(randn(4, 3), True, "T"), (ints(3, 2, 2), False, None)], {"axis": -1}, name="gather/transposed")
case("index_select", [(randn(3, 4, 2), True, None), (torch.tensor([2.0, 0.0, 2.0, 1.0, 3.0]), False, None)], {"axis": 1})
case("index_select", [(randn(4, 3), True, "T"), (torch.tensor([3.0, 3.0]), False, None)], {"axis": 1}, name="index_select/transposed")
case("one_hot", [(ints(5, 2, 3), False, None)], {"n": 5}); case("one_hot", [(torch.tensor(2.0), False, None)], {"n": 3}, name="one_hot/0d")
# comparisons, where, maximum
for op in ["eq", "ne", "gt", "ge", "lt", "le"]:
    case(op, [(halves(2, 3), False, None), (halves(3), False, None)], name=op + "/broadcast")
    case(op, [(halves(3, 2), False, "T"), (halves(2, 1), False, None)], name=op + "/transposed")
case("eq_s", [(halves(3, 4), False, None)], {"s": 0.5}); case("gt_s", [(halves(4, 3), False, "T")], {"s": 0.0})
case("le_s", [(halves(3, 4), False, None)], {"s": -0.5})
case("where", [(ints(2, 2, 3), False, None), (randn(2, 3), True, None), (randn(3), True, None)])
case("where", [(ints(2, 3, 1), False, None), (randn(1, 4), True, None), (randn(), True, None)], name="where/broadcast3")
case("where", [(ints(2, 3, 2), False, "T"), (randn(3, 2), True, "T"), (randn(2, 3), True, None)], name="where/transposed")
case("maximum", [(halves(2, 3), True, None), (halves(3), True, None)]); case("minimum", [(halves(2, 3), True, None), (halves(2, 1), True, None)])
case("maximum", [(randn(3, 2), True, "T"), (randn(2, 3), True, None)], name="maximum/transposed")
# pad, cumsum, repeat, tile, flip
case("pad", [(randn(2, 3, 4), True, None)], {"pads": [1, 2], "mode": "constant", "value": 0.5})
case("pad", [(randn(2, 3, 4), True, None)], {"pads": [1, 2, 0, 1, 1, 0], "mode": "constant", "value": 0.0}, name="pad/3axes")
case("pad", [(randn(1, 2, 3, 4), True, None)], {"pads": [2, 1, 1, 2], "mode": "reflect"}, name="pad/reflect")
case("pad", [(randn(1, 2, 3, 4), True, None)], {"pads": [3, 1, 2, 2], "mode": "replicate"}, name="pad/replicate")
case("pad", [(randn(2, 3, 5), True, None)], {"pads": [-1, 2, 1, -2], "mode": "constant", "value": 0.0}, name="pad/crop")
case("pad", [(randn(1, 2, 5, 4), True, "T")], {"pads": [1, 1, 2, 0], "mode": "reflect"}, name="pad/transposed")
case("pad", [(randn(1, 2, 4), True, None)], {"pads": [2, 3], "mode": "replicate"}, name="pad/replicate1d")
case("cumsum", [(randn(3, 4), True, None)], {"axis": 1}); case("cumsum", [(randn(2, 3, 4), True, None)], {"axis": -3}, name="cumsum/axis0")
case("cumsum", [(randn(4, 3), True, "T")], {"axis": 0}, name="cumsum/transposed"); case("cumsum", [(randn(), True, None)], {"axis": 0}, name="cumsum/0d")
case("repeat", [(randn(2, 3), True, None)], {"repeats": [2, 1, 3]}); case("repeat", [(randn(3, 2), True, "T")], {"repeats": [1, 2]}, name="repeat/transposed")
case("tile", [(randn(2, 3), True, None)], {"repeats": [2]}); case("tile", [(randn(2, 3), True, None)], {"repeats": [2, 1, 2]}, name="tile/more")
case("flip", [(randn(2, 3, 4), True, None)], {"axes": [0, -1]}); case("flip", [(randn(4, 3), True, "T")], {"axes": [1]}, name="flip/transposed")
case("flip", [(randn(0, 3), True, None)], {"axes": [0]}, name="flip/empty")

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
path = os.path.join(root, "tests", "Fovea.Tests", "Golden", "ops.json")
doc = {"generator": "tools/golden/ops_golden.py", "torch": torch.__version__,
       "note": "forward outputs and d(sum(out*w))/d(input) for each op; float32 values", "cases": cases}
with open(path, "w") as f:
    json.dump(doc, f, separators=(",", ":"))
print(len(cases), "cases,", os.path.getsize(path), "bytes ->", os.path.normpath(path))
