#!/usr/bin/env python3
"""Reference values for src/stats/trend.ts, from scipy (python3 scripts/gen-trend-fixtures.py > __tests__/fixtures/stats/trend.json).

theilslopes: scipy.stats.theilslopes (slope, intercept, Sen's interval at 95%).
normal quantiles: scipy.stats.norm.ppf.
Mann-Kendall: S and its tie-corrected variance written out (Kendall 1975; as pymannkendall's original_test), the
p-value from scipy.stats.norm with the continuity correction.
Wilson: scipy.stats.binomtest(k, n).proportion_ci(0.95, method='wilson').
"""
import json
import numpy as np
from scipy import stats

rng = np.random.default_rng(20261203)
out = {"theilsen": [], "mannkendall": [], "ppf": [], "wilson": []}

for case in range(40):
    n = int(rng.integers(5, 60))
    x = np.sort(rng.choice(np.arange(0, 5 * n), size=n, replace=False)).astype(float)
    slope = float(rng.normal(0, 0.5))
    y = slope * x + rng.normal(0, float(rng.uniform(0.1, 5)), size=n)
    if case % 5 == 0:
        y = np.round(y)  # ties in y
    res = stats.theilslopes(y, x, 0.95)
    out["theilsen"].append({"x": x.tolist(), "y": y.tolist(), "slope": res[0], "intercept": res[1], "low": res[2], "high": res[3]})

for case in range(40):
    n = int(rng.integers(3, 80))
    y = rng.normal(0, 1, size=n) + float(rng.normal(0, 0.05)) * np.arange(n)
    if case % 4 == 0:
        y = np.round(y * 2) / 2
    s = 0
    for i in range(n):
        for j in range(i + 1, n):
            s += np.sign(y[j] - y[i])
    _, counts = np.unique(y, return_counts=True)
    var = (n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5) for t in counts)) / 18
    z = (s - 1) / np.sqrt(var) if s > 0 else (s + 1) / np.sqrt(var) if s < 0 else 0.0
    p = 2 * stats.norm.sf(abs(z))
    out["mannkendall"].append({"y": y.tolist(), "s": int(s), "z": float(z), "p": float(p)})

for p in [1e-12, 1e-9, 1e-6, 0.001, 0.01, 0.02425, 0.025, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-6, 1 - 1e-9]:
    out["ppf"].append({"p": p, "x": float(stats.norm.ppf(p))})

for k, n in [(0, 10), (10, 10), (455, 455), (450, 455), (1, 2), (50, 100), (99, 100), (3, 7), (0, 1), (1000, 1003)]:
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    out["wilson"].append({"k": k, "n": n, "low": float(ci.low), "high": float(ci.high)})

print(json.dumps(out))
