"""Drive a workload with `wrk` (C, LuaJIT) when it is installed: it costs the server less CPU.

The workload spec is the one `benchmarks.loadgen` takes; here it becomes a Lua script with
the data (tokens, product ids, phones, paths) inlined as Lua tables. The script counts what
it sent and what came back per thread, and `done()` prints one JSON line (prefixed
`BENCH_JSON`) with wrk's own latency percentiles and the status counts.

wrk has no warm-up option (`benchmarks.run` warms up with the asyncio client; a `warmup` in
the spec here is a separate, shorter wrk run whose figures count only in the totals). wrk
stops without waiting for the requests in flight, so the totals carry `in_flight_at_stop`
(requests generated minus answers): the server may still have completed those, which the
invariant check allows for.
"""

import json
import math
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

MARKER = "BENCH_JSON "


def available() -> str | None:
    """wrk's version line when `wrk` is on PATH, else None."""
    path = shutil.which("wrk")
    if path is None:
        return None
    probe = subprocess.run([path, "-v"], capture_output=True, text=True, check=False)
    first = (probe.stdout + probe.stderr).strip().splitlines()
    # "wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer" -> "wrk debian/4.1.0-3+b2"
    return " ".join(first[0].split()[:2]) if first else "wrk"


def _lua(value: Any) -> str:
    """A Python value as a Lua literal (strings via JSON escaping, which Lua accepts here)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "{" + ",".join(_lua(item) for item in value) + "}"
    if isinstance(value, dict):
        return "{" + ",".join(f"[{_lua(k)}]={_lua(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as Lua")


_COMMON = r"""
threads = {}
sent = 0
responses = 0
statuses = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function response(status, headers, body)
  responses = responses + 1
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total_sent, total_responses, merged = 0, 0, {}
  for _, thread in ipairs(threads) do
    total_sent = total_sent + thread:get("sent")
    total_responses = total_responses + thread:get("responses")
    for status, count in pairs(thread:get("statuses")) do
      merged[status] = (merged[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(merged) do
    parts[#parts + 1] = string.format('"%d":%d', status, count)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"errors":{"connect":%d,"read":%d,' ..
    '"write":%d,"status":%d,"timeout":%d},"p50_us":%d,"p95_us":%d,"p99_us":%d,' ..
    '"mean_us":%.1f,"max_us":%d,"sent":%d,"responses":%d,"statuses":{%s}}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.mean, latency.max, total_sent, total_responses, table.concat(parts, ",")))
end
"""

_SALES = r"""
function init(args)
  math.randomseed(tid * 1000003 + os.time())
end

local function pick(products, n)
  local chosen, seen = {}, {}
  while #chosen < n do
    local index = math.random(#products)
    if not seen[index] then
      seen[index] = true
      chosen[#chosen + 1] = products[index]
    end
  end
  return chosen
end

function request()
  sent = sent + 1
  local shop = shops[math.random(#shops)]
  local lines = {}
  for _, pid in ipairs(pick(shop.products, line_count)) do
    lines[#lines + 1] = string.format('{"product_id":%d,"quantity":%d}', pid, math.random(3))
  end
  local body = string.format(
    '{"customer_name":"Bench Customer","phone_no":"%s","bill_paid":%s,"products":[%s]}',
    shop.phones[math.random(#shop.phones)],
    math.random() < credit_ratio and "false" or "true",
    table.concat(lines, ","))
  local headers = {["Authorization"] = shop.auth, ["Content-Type"] = "application/json"}
  if idempotency then
    headers["Idempotency-Key"] = string.format("%s-%d-%d", run_id, tid, sent)
  end
  return wrk.format("POST", "/api/sales/", headers, body)
end
"""

_GET = r"""
local prepared = {}

function init(args)
  math.randomseed(tid * 1000003 + os.time())
  for i, path in ipairs(paths) do
    prepared[i] = wrk.format("GET", path, {["Authorization"] = auth})
  end
end

function request()
  sent = sent + 1
  return prepared[math.random(#prepared)]
end
"""


def script(workload: dict[str, Any], run_id: str) -> str:
    if workload["kind"] == "sales":
        shops = [
            {"auth": f"Bearer {s['token']}", "products": s["products"], "phones": s["phones"]}
            for s in workload["shops"]
        ]
        data = (
            f"shops = {_lua(shops)}\n"
            f"line_count = {int(workload.get('lines', 3))}\n"
            f"credit_ratio = {float(workload.get('credit_ratio', 0.25))!r}\n"
            f"idempotency = {_lua(bool(workload.get('idempotency', True)))}\n"
            f"run_id = {_lua(run_id)}\n"
        )
        return data + _COMMON + _SALES
    if workload["kind"] == "get":
        data = f"auth = {_lua('Bearer ' + workload['token'])}\npaths = {_lua(workload['paths'])}\n"
        return data + _COMMON + _GET
    raise ValueError(f"unknown workload kind {workload['kind']!r}")


def _run_once(
    script_path: Path, host: str, port: int, connections: int, seconds: float
) -> dict[str, Any]:
    threads = max(1, min(2, connections))
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, math.ceil(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        str(script_path),
        f"http://{host}:{port}",
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in completed.stdout.splitlines():
        if line.startswith(MARKER):
            parsed: dict[str, Any] = json.loads(line[len(MARKER) :])
            return parsed
    raise RuntimeError(f"wrk gave no result:\n{completed.stdout}\n{completed.stderr}")


def run(spec: dict[str, Any]) -> dict[str, Any]:
    """Run the spec's workload with wrk; a summary shaped like `LoadResult.summary()`."""
    run_id = str(spec["workload"].get("run_id", "bench"))
    with tempfile.TemporaryDirectory(prefix="dukaan-wrk-") as tmp:
        warm_path = Path(tmp) / "warm.lua"
        warm_path.write_text(script(spec["workload"], run_id + "w"))
        main_path = Path(tmp) / "main.lua"
        main_path.write_text(script(spec["workload"], run_id + "m"))
        runs = []
        if spec.get("warmup", 0) > 0:
            runs.append(
                _run_once(
                    warm_path, spec["host"], spec["port"], spec["connections"], spec["warmup"]
                )
            )
        measured = _run_once(
            main_path, spec["host"], spec["port"], spec["connections"], spec["seconds"]
        )
    runs.append(measured)
    seconds = measured["duration_us"] / 1e6
    errors = measured["errors"]
    transport_errors = errors["connect"] + errors["read"] + errors["write"] + errors["timeout"]

    def ok(result: dict[str, Any]) -> int:
        return sum(n for status, n in result["statuses"].items() if 200 <= int(status) < 300)

    return {
        "requests": measured["requests"],
        "errors": errors["status"] + transport_errors,
        "statuses": dict(sorted(measured["statuses"].items())),
        # Answered with a 2xx: a refusal (a 409, the write limit's instant 429) is no sale.
        "rps": round(ok(measured) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(measured["p50_us"] / 1000, 2),
        "p95_ms": round(measured["p95_us"] / 1000, 2),
        "p99_ms": round(measured["p99_us"] / 1000, 2),
        "mean_ms": round(measured["mean_us"] / 1000, 2),
        "max_ms": round(measured["max_us"] / 1000, 2),
        "sent_total": sum(r["sent"] for r in runs),
        "ok_total": sum(ok(r) for r in runs),
        "failed_total": sum(r["responses"] - ok(r) for r in runs),
        "in_flight_at_stop": sum(r["sent"] - r["responses"] for r in runs),
        "wrk_errors": errors,
    }
