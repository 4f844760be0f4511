"""Reference values for Fovea's losses, optimizers, LR schedulers and gradient clipping, from PyTorch 1.13.1.

Writes tests/Fovea.Tests/Golden/optim.bin (run from the repository root with /usr/bin/python3):
  8 bytes  magic b"FOVGOLD1"
  u32      header length, then the header (UTF-8): names this script and the torch version
  u32      record count, then per record:
           u16 name length + UTF-8 name, u8 rank, rank x i32 dims, float32 data (row-major, little-endian)
Record names:
  loss/{kind}/{i}/{input,target,weight,pos_weight,args,value,upstream,grad,tgrad}
      args = [reduction (0 none, 1 mean, 2 sum, 3 batchmean), ignore_index, label_smoothing, beta|delta, log_target]
      upstream: the gradient fed to backward for reduction none (absent: 1)
  opt/{config}/start/{p}, opt/{config}/grad/{s}/{p}, opt/{config}/param/{s}/{p}   (5 steps, 2 parameters)
  sched/{config}  [31, groups] learning rates after construction and after each of 30 steps
  cycle/{config}/{lr,momentum}  the same for OneCycleLR with momentum cycling (momentum, or Adam's beta1)
  clip/{config}/{grad,clipped}/{p}, clip/{config}/norm
"""
import struct
import sys

import torch
import torch.nn.functional as F

torch.manual_seed(1234)
torch.set_default_dtype(torch.float32)
records = []


def put(name, t):
    t = torch.as_tensor(t, dtype=torch.float32).detach().contiguous()
    records.append((name, list(t.shape), t.numpy().astype("<f4").tobytes()))


RED = {"none": 0, "mean": 1, "sum": 2, "batchmean": 3}


def loss_case(kind, i, fn, x, target, reduction, weight=None, pos_weight=None, ignore_index=-100, smoothing=0.0, param=0.0,
              log_target=False, target_grad=False):
    pre = f"loss/{kind}/{i}"
    x = x.clone().requires_grad_(True)
    target = target.clone()
    if target_grad:
        target.requires_grad_(True)
    y = fn(x, target)
    put(pre + "/input", x)
    put(pre + "/target", target)
    if weight is not None:
        put(pre + "/weight", weight)
    if pos_weight is not None:
        put(pre + "/pos_weight", pos_weight)
    put(pre + "/args", [RED[reduction], ignore_index, smoothing, param, 1.0 if log_target else 0.0])
    put(pre + "/value", y)
    if y.dim() == 0:
        y.backward()
    else:
        u = torch.randn(y.shape)
        put(pre + "/upstream", u)
        (y * u).sum().backward()
    put(pre + "/grad", x.grad)
    if target_grad and target.grad is not None:
        put(pre + "/tgrad", target.grad)


def labels(c, shape, ignore_every=0, ignore=-100):
    t = torch.randint(0, c, shape).float()
    if ignore_every:
        t.view(-1)[1::ignore_every] = ignore
    return t


def probs(shape):
    return torch.softmax(torch.randn(shape) * 2, dim=1)


# ---- cross-entropy, class indices ----
ce = [
    ([5, 4], "mean", None, -100, 0.0, 0),
    ([5, 4], "sum", None, -100, 0.0, 0),
    ([5, 4], "none", None, -100, 0.0, 0),
    ([6, 5], "mean", True, 2, 0.0, 0),            # in-range ignore_index
    ([6, 5], "mean", True, -100, 0.1, 3),
    ([6, 5], "mean", None, -100, 0.2, 3),
    ([6, 5], "sum", True, -100, 0.3, 2),
    ([6, 5], "none", True, -100, 0.15, 2),
    ([2, 3, 4, 5], "mean", True, -100, 0.1, 4),
    ([2, 3, 4], "none", None, -100, 0.0, 0),
    ([2, 3, 4], "sum", True, -100, 0.0, 3),
    ([7], "mean", None, -100, 0.1, 0),
]
for i, (shape, red, weighted, ii, ls, every) in enumerate(ce):
    c = shape[1] if len(shape) > 1 else shape[0]
    rows = [shape[0]] + shape[2:] if len(shape) > 1 else []
    x = torch.randn(shape) * 2
    t = labels(c, rows, every) if rows else torch.tensor(3.0)
    if ii == 2:
        t.view(-1)[::2] = 2
    w = torch.rand(c) + 0.5 if weighted else None
    fn = lambda x, t, w=w, red=red, ii=ii, ls=ls: F.cross_entropy(x, t.long(), weight=w, ignore_index=ii, reduction=red, label_smoothing=ls)
    loss_case("ce", i, fn, x, t, red, weight=w, ignore_index=ii, smoothing=ls)

# ---- cross-entropy, probabilities ----
cep = [([4, 5], "mean", None, 0.0), ([4, 5], "sum", True, 0.0), ([4, 5], "mean", None, 0.1), ([2, 3, 4], "none", True, 0.2),
       ([2, 3, 2, 2], "mean", True, 0.0)]
for i, (shape, red, weighted, ls) in enumerate(cep):
    w = torch.rand(shape[1]) + 0.5 if weighted else None
    fn = lambda x, t, w=w, red=red, ls=ls: F.cross_entropy(x, t, weight=w, reduction=red, label_smoothing=ls)
    loss_case("ce", len(ce) + i, fn, torch.randn(shape) * 2, probs(shape), red, weight=w, smoothing=ls, target_grad=True)

# ---- NLL ----
for i, (shape, red, weighted, ii, every) in enumerate([([5, 4], "mean", True, -100, 2), ([2, 3, 4], "sum", None, -100, 3),
                                                        ([6, 3], "none", True, 1, 0), ([2, 4, 3], "mean", True, -100, 0)]):
    c = shape[1]
    t = labels(c, [shape[0]] + shape[2:], every)
    w = torch.rand(c) + 0.5 if weighted else None
    x = torch.log_softmax(torch.randn(shape), dim=1)
    fn = lambda x, t, w=w, red=red, ii=ii: F.nll_loss(x, t.long(), weight=w, ignore_index=ii, reduction=red)
    loss_case("nll", i, fn, x, t, red, weight=w, ignore_index=ii)

# ---- regression ----
for red in ["mean", "sum", "none"]:
    x, t = torch.randn(4, 5) * 2, torch.randn(4, 5)
    loss_case("mse", RED[red], lambda x, t, r=red: F.mse_loss(x, t, reduction=r), x, t, red, target_grad=True)
    loss_case("l1", RED[red], lambda x, t, r=red: F.l1_loss(x, t, reduction=r), x, t, red, target_grad=True)
    for j, beta in enumerate([1.0, 0.5, 0.0]):
        loss_case("smoothl1", RED[red] * 3 + j, lambda x, t, r=red, b=beta: F.smooth_l1_loss(x, t, reduction=r, beta=b), x, t, red,
                  param=beta, target_grad=True)
    for j, delta in enumerate([1.0, 0.5, 2.0]):
        loss_case("huber", RED[red] * 3 + j, lambda x, t, r=red, d=delta: F.huber_loss(x, t, reduction=r, delta=d), x, t, red,
                  param=delta, target_grad=True)

# ---- binary cross-entropy ----
p = torch.rand(4, 3) * 0.9 + 0.05
tb = torch.rand(4, 3)
wb = torch.rand(3) + 0.5
loss_case("bce", 0, lambda x, t: F.binary_cross_entropy(x, t), p, tb, "mean")
loss_case("bce", 1, lambda x, t: F.binary_cross_entropy(x, t, weight=wb, reduction="sum"), p, tb, "sum", weight=wb)
edge = torch.tensor([[0.0, 1.0, 0.5], [1e-30, 1.0 - 1e-7, 0.3]])
loss_case("bce", 2, lambda x, t: F.binary_cross_entropy(x, t, reduction="none"), edge, torch.tensor([[1.0, 0.0, 1.0], [1.0, 0.0, 0.2]]), "none")
z = torch.randn(4, 3) * 3
pw = torch.rand(3) * 3 + 0.2
loss_case("bcelogits", 0, lambda x, t: F.binary_cross_entropy_with_logits(x, t), z, tb, "mean", target_grad=True)
loss_case("bcelogits", 1, lambda x, t: F.binary_cross_entropy_with_logits(x, t, weight=wb, pos_weight=pw, reduction="none"), z, tb, "none",
          weight=wb, pos_weight=pw, target_grad=True)
big = torch.tensor([[100.0, -100.0, 30.0], [-30.0, 0.0, 88.0]])
loss_case("bcelogits", 2, lambda x, t: F.binary_cross_entropy_with_logits(x, t, pos_weight=pw, reduction="sum"), big,
          torch.tensor([[0.0, 1.0, 0.5], [1.0, 0.3, 0.0]]), "sum", pos_weight=pw)

# ---- KL divergence ----
lp = torch.log_softmax(torch.randn(3, 5), dim=1)
q = probs([3, 5])
q[0, 1] = 0.0
for red in ["mean", "sum", "none", "batchmean"]:
    loss_case("kldiv", RED[red], lambda x, t, r=red: F.kl_div(x, t, reduction=r), lp, q, red, target_grad=True)
    lq = torch.log_softmax(torch.randn(3, 5), dim=1)
    loss_case("kldiv", 4 + RED[red], lambda x, t, r=red: F.kl_div(x, t, reduction=r, log_target=True), lp, lq, red, log_target=True,
              target_grad=True)

# ---- optimizers: 5 steps over two parameters with fixed gradients ----
OPT = {
    "sgd": lambda ps: torch.optim.SGD(ps, lr=0.1),
    "sgd_momentum": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9),
    "sgd_nesterov": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8, nesterov=True),
    "sgd_weight_decay": lambda ps: torch.optim.SGD(ps, lr=0.1, weight_decay=0.05),
    "sgd_dampening": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01),
    "sgd_groups": lambda ps: torch.optim.SGD([{"params": [ps[0]], "momentum": 0.9}, {"params": [ps[1]], "lr": 0.01, "weight_decay": 0.1}], lr=0.1),
    "adam": lambda ps: torch.optim.Adam(ps, lr=0.01),
    "adam_amsgrad": lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.8, 0.99), amsgrad=True),
    "adam_weight_decay": lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.1, eps=1e-6),
    "adamw": lambda ps: torch.optim.AdamW(ps, lr=0.01),
    "adamw_amsgrad": lambda ps: torch.optim.AdamW(ps, lr=0.02, weight_decay=0.2, amsgrad=True),
    "rmsprop": lambda ps: torch.optim.RMSprop(ps, lr=0.01),
    "rmsprop_centered": lambda ps: torch.optim.RMSprop(ps, lr=0.01, centered=True),
    "rmsprop_momentum": lambda ps: torch.optim.RMSprop(ps, lr=0.01, momentum=0.9),
    "rmsprop_all": lambda ps: torch.optim.RMSprop(ps, lr=0.005, alpha=0.9, eps=1e-6, weight_decay=0.05, momentum=0.5, centered=True),
}
for name, make in OPT.items():
    ps = [torch.randn(7, 3), torch.randn(5)]
    for k, p in enumerate(ps):
        put(f"opt/{name}/start/{k}", p)
    ps = [p.clone().requires_grad_(True) for p in ps]
    opt = make(ps)
    for s in range(5):
        for k, p in enumerate(ps):
            g = torch.randn(p.shape) * (1 + s)
            put(f"opt/{name}/grad/{s}/{k}", g)
            p.grad = g.clone()
        opt.step()
        for k, p in enumerate(ps):
            put(f"opt/{name}/param/{s}/{k}", p)

# ---- LR schedulers: learning rates after construction and after each of 30 steps ----
S = torch.optim.lr_scheduler


def sgd_for_sched(lrs=(0.1,)):
    return torch.optim.SGD([{"params": [torch.zeros(1, requires_grad=True)], "lr": lr} for lr in lrs], lr=lrs[0], momentum=0.9)


SCHED = {
    "steplr": lambda o: S.StepLR(o, step_size=7, gamma=0.5),
    "multisteplr": lambda o: S.MultiStepLR(o, milestones=[5, 12, 12, 20], gamma=0.3),
    "cosine": lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
    "linear": lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=8),
    "onecycle_cos": lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=30, cycle_momentum=False),
    "onecycle_linear": lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=30, pct_start=0.25, anneal_strategy="linear", div_factor=10,
                                              final_div_factor=100, cycle_momentum=False),
    "onecycle_three_phase": lambda o: S.OneCycleLR(o, max_lr=0.4, total_steps=30, three_phase=True, cycle_momentum=False),
    "sequential": lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.CosineAnnealingLR(o, T_max=25, eta_min=1e-4)],
                                           milestones=[5]),
}
for name, make in SCHED.items():
    opt = sgd_for_sched((0.1, 0.02))
    sch = make(opt)
    lrs = [[g["lr"] for g in opt.param_groups]]
    for _ in range(30):
        opt.step()
        sch.step()
        lrs.append([g["lr"] for g in opt.param_groups])
    put(f"sched/{name}", lrs)

# ---- OneCycleLR cycling the momentum (SGD's momentum, Adam's beta1) ----
CYCLE = {
    "sgd": (lambda: sgd_for_sched((0.1, 0.02)), lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=30), "momentum"),
    "adam": (lambda: torch.optim.Adam([torch.zeros(1, requires_grad=True)], lr=0.01),
             lambda o: S.OneCycleLR(o, max_lr=0.05, total_steps=30, three_phase=True, anneal_strategy="linear", base_momentum=0.8,
                                    max_momentum=0.9), "betas"),
}
for name, (make_opt, make, key) in CYCLE.items():
    opt = make_opt()
    sch = make(opt)
    lrs, moms = [], []
    for s in range(31):
        if s:
            opt.step()
            sch.step()
        lrs.append([g["lr"] for g in opt.param_groups])
        moms.append([g[key][0] if key == "betas" else g[key] for g in opt.param_groups])
    put(f"cycle/{name}/lr", lrs)
    put(f"cycle/{name}/momentum", moms)

# ---- gradient clipping ----
for name, max_norm, norm_type in [("l2", 1.0, 2.0), ("l1", 2.0, 1.0), ("inf", 0.5, float("inf")), ("l3", 1.5, 3.0), ("noclip", 100.0, 2.0)]:
    ps = [torch.zeros(4, 3, requires_grad=True), torch.zeros(5, requires_grad=True)]
    for k, p in enumerate(ps):
        p.grad = torch.randn(p.shape)
        put(f"clip/{name}/grad/{k}", p.grad)
    total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
    put(f"clip/{name}/norm", total)
    for k, p in enumerate(ps):
        put(f"clip/{name}/clipped/{k}", p.grad)

out = "tests/Fovea.Tests/Golden/optim.bin"
header = f"written by tools/golden/optim_golden.py (torch {torch.__version__}, seed 1234)".encode()
with open(out, "wb") as f:
    f.write(b"FOVGOLD1")
    f.write(struct.pack("<I", len(header)))
    f.write(header)
    f.write(struct.pack("<I", len(records)))
    for name, shape, data in records:
        nb = name.encode()
        f.write(struct.pack("<H", len(nb)))
        f.write(nb)
        f.write(struct.pack("<B", len(shape)))
        f.write(struct.pack(f"<{len(shape)}i", *shape))
        f.write(data)
print(f"{out}: {len(records)} records", file=sys.stderr)
