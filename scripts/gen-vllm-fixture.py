#!/usr/bin/env python3
"""A file shaped exactly as `vllm bench serve --save-result --save-detailed` writes it (vllm/benchmarks/serve.py:
benchmark()'s result dict plus the fields main() adds), with consistent aggregates, for __tests__/interchange.test.ts.
python3 scripts/gen-vllm-fixture.py > __tests__/fixtures/vllm/serve-detailed.json"""
import json
import numpy as np

rng = np.random.default_rng(7)
n = 12
input_lens = [int(x) for x in rng.integers(200, 300, n)]
output_lens = [int(x) for x in rng.integers(60, 129, n)]
ttfts = [float(x) for x in rng.uniform(0.08, 0.2, n)]
itls = [[float(g) for g in rng.uniform(0.012, 0.02, out - 1)] for out in output_lens]
errors = [""] * n
# One failed request, as vLLM records it: empty outputs and the error text.
errors[5] = "Bad Request: prompt too long"
ttfts[5] = 0.0
itls[5] = []
output_lens[5] = 0
ok = [i for i in range(n) if not errors[i]]
duration = 4.2
e2el = [ttfts[i] + sum(itls[i]) for i in ok]
tpot = [sum(itls[i]) / (output_lens[i] - 1) for i in ok]
itl_all = [g for i in ok for g in itls[i]]
result = {
    "date": "20251021-143000", "endpoint_type": "openai", "backend": "vllm", "label": None,
    "model_id": "Qwen/Qwen3-4B", "tokenizer_id": "Qwen/Qwen3-4B", "num_prompts": n,
    "request_rate": "inf", "burstiness": 1.0, "max_concurrency": 4,
    "duration": duration, "completed": len(ok), "failed": n - len(ok),
    "total_input_tokens": sum(input_lens[i] for i in ok), "total_output_tokens": sum(output_lens[i] for i in ok),
    "request_throughput": len(ok) / duration, "request_goodput": None,
    "output_throughput": sum(output_lens[i] for i in ok) / duration,
    "total_token_throughput": sum(input_lens[i] + output_lens[i] for i in ok) / duration,
    "input_lens": input_lens, "output_lens": output_lens, "ttfts": ttfts, "itls": itls,
    "start_times": [float(x) for x in np.cumsum(rng.uniform(0, 0.1, n))],
    "generated_texts": ["" if errors[i] else "text" for i in range(n)], "errors": errors,
    "max_output_tokens_per_s": 410.0, "max_concurrent_requests": 4,
}
for name, values in [("ttft", [ttfts[i] for i in ok]), ("tpot", tpot), ("itl", itl_all), ("e2el", e2el)]:
    ms = np.array(values) * 1000
    result[f"mean_{name}_ms"] = float(ms.mean())
    result[f"median_{name}_ms"] = float(np.median(ms))
    result[f"std_{name}_ms"] = float(ms.std())
    result[f"p99_{name}_ms"] = float(np.percentile(ms, 99))
print(json.dumps(result, indent=2))
