#!/usr/bin/env python3
"""Fourteenth round (docs/results/steering.md): per case, the steering maps of `mpgd compare --write-maps`
folders against the history oracle's: total, maximum, GCells above 0.5, Pearson / Spearman, top-5% overlap.
Usage: mapstat.py DIR GATED_DIR MAP1,MAP2,... CASE... (maps whose name holds "gated" are read from GATED_DIR)."""
import sys, numpy as np
sys.path.insert(0,'scripts')
def rank(a):
    r = np.empty(len(a)); r[np.argsort(a, kind="stable")] = np.arange(len(a))
    _, inv, counts = np.unique(a, return_inverse=True, return_counts=True)
    return (np.bincount(inv, weights=r) / counts)[inv]
def corr(a,b):
    return float(np.corrcoef(a,b)[0,1]), float(np.corrcoef(rank(a),rank(b))[0,1])
d=sys.argv[1]; d2=sys.argv[2]
print("| case | map | sum | max | GCells > 0.5 | vs history oracle (Pearson / Spearman) | top-5% overlap |")
print("|---|---|---:|---:|---:|---|---:|")
for case in sys.argv[4:]:
    o=np.load(f"{d}/{case}/oracle.map.npy").ravel()
    k=max(1,int(round(0.05*o.size)))
    top=set(np.argsort(-o,kind='stable')[:k])
    for n in sys.argv[3].split(","):
        m=np.load(f"{d2 if 'gated' in n else d}/{case}/{n}.map.npy").ravel()
        p,s=corr(m,o); t=set(np.argsort(-m,kind='stable')[:k])
        name=n
        print(f"| {case} | {name} | {m.sum():.0f} | {m.max():.1f} | {(m>0.5).sum()} | {p:.2f} / {s:.2f} | {len(t&top)/k:.2f} |")
