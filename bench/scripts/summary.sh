# Standard scenarios: the summary table (medians over repeats, Parley against
# the seed design) printed at the end of ./dev bench and saved as JSON.
# Sourced by standard_scenarios.sh.
# shellcheck shell=bash

# print_summary META RUNS DURATION_S LOAD_END OUT_JSON: prints the table,
# writes OUT_JSON; fails when any run was not clean.
print_summary() {
  python3 - "$@" <<'EOF'
import json, statistics, sys

meta_path, runs_path, duration, load_end, out_path = sys.argv[1:]
meta = json.load(open(meta_path))
runs = [json.loads(line) for line in open(runs_path) if line.strip()]


def results(server, scenario):
    return [r["result"] for r in runs if r["server"] == server
            and r["scenario"] == scenario and r["result"]]


def median(server, scenario, key):
    values = [r[key] for r in results(server, scenario) if r.get(key) is not None]
    return statistics.median(values) if values else None


def still_open(server):
    done = results(server, "conns")
    if not done:
        return None
    return min(r["conns_still_open"] or 0 for r in done), done[0]["conns_total"]


def rows_missing(run):
    result = run["result"] or {}
    if result.get("db_rows_missing") is not None:
        return result["db_rows_missing"]
    if run["sqlite_rows_after"] is None or run["sqlite_rows_before"] is None:
        return None
    added = run["sqlite_rows_after"] - run["sqlite_rows_before"]
    return max(0, (result.get("confirmed") or 0) - added)


def failures(servers, key):
    total = 0
    for run in runs:
        if run["server"] not in servers:
            continue
        value = rows_missing(run) if key == "rows_missing" else \
            (run["result"] or {}).get(key)
        total += value or 0
    return total


def unclean(servers):
    return sum(1 for r in runs if r["server"] in servers and r["exit"] != 0)


rates = [s for s in dict.fromkeys(r["scenario"] for r in runs)
         if s.startswith("rate")]
# (scenario, unit, better, Parley value, baseline value)
table = [
    ("conns: RSS per connection", "KiB", "lower",
     median("parley-pg", "conns", "rss_per_conn_kib"),
     median("seed-pg", "conns", "rss_per_conn_kib")),
    ("conns: connection set-up", "conns/s", "higher",
     median("parley-pg", "conns", "conns_per_s"),
     median("seed-pg", "conns", "conns_per_s")),
    ("conns: still open after hold (min)", "conns", "-",
     still_open("parley-pg"), still_open("seed-pg")),
    ("throughput PostgreSQL", "msgs/s", "higher",
     median("parley-pg", "throughput", "throughput_msgs_per_s"),
     median("seed-pg", "throughput", "throughput_msgs_per_s")),
    ("throughput PostgreSQL p99", "ms", "lower",
     median("parley-pg", "throughput", "latency_p99_ms"),
     median("seed-pg", "throughput", "latency_p99_ms")),
    ("throughput SQLite (vs baseline PostgreSQL)", "msgs/s", "higher",
     median("parley-sqlite", "throughput", "throughput_msgs_per_s"),
     median("seed-pg", "throughput", "throughput_msgs_per_s")),
    ("throughput SQLite p99", "ms", "-",
     median("parley-sqlite", "throughput", "latency_p99_ms"), None),
    ("CPU per message, server+db (throughput PostgreSQL)", "us", "lower",
     median("parley-pg", "throughput", "cpu_us_per_msg"),
     median("seed-pg", "throughput", "cpu_us_per_msg")),
]
for scenario in rates:
    rate = int(scenario[len("rate"):])
    table += [
        (f"rate {rate:,}/s PostgreSQL p99", "ms", "lower",
         median("parley-pg", scenario, "latency_p99_ms"),
         median("seed-pg", scenario, "latency_p99_ms")),
        (f"rate {rate:,}/s PostgreSQL delivered", "msgs/s", "higher",
         median("parley-pg", scenario, "throughput_msgs_per_s"),
         median("seed-pg", scenario, "throughput_msgs_per_s")),
    ]
have_baseline = meta["baseline"]
parley_servers, seed_servers = ("parley-pg", "parley-sqlite"), ("seed-pg",)
for key, label in (("lost", "lost"), ("duplicated", "duplicated"),
                   ("out_of_order", "reordered"),
                   ("rows_missing", "rows missing")):
    table.append((f"{label}, all runs", "count", "-",
                  failures(parley_servers, key),
                  failures(seed_servers, key) if have_baseline else None))
table.append(("runs not clean (exit != 0)", "runs", "-",
              unclean(parley_servers),
              unclean(seed_servers) if have_baseline else None))


def ratio(better, parley, base):
    if better not in ("higher", "lower") or not have_baseline:
        return None
    if not isinstance(parley, (int, float)) or not isinstance(base, (int, float)):
        return None
    top, bottom = (parley, base) if better == "higher" else (base, parley)
    return top / bottom if bottom else None


def show(value):
    if value is None:
        return "-"
    if isinstance(value, tuple):
        return f"{value[0]:,}/{value[1]:,}"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    return f"{value:,}"


rows = []
for scenario, unit, better, parley, base in table:
    rows.append({"scenario": scenario, "unit": unit, "better": better,
                 "parley": list(parley) if isinstance(parley, tuple) else parley,
                 "baseline": list(base) if isinstance(base, tuple) else base,
                 "ratio": ratio(better, parley, base)})

print()
print(f"Standard scenarios, {meta['date']}")
print(f"command: {meta['command']}")
print(f"nproc {meta['nproc']}, memory {meta['memory_gib']} GiB, load average "
      f"{meta['load_average_start']} at start, {load_end} at end; "
      f"{meta['postgresql']}")
s = meta["sizes"]
print(f"conns {s['conns_users']:,} users x {s['conns_per_user']} = "
      f"{s['conns_users'] * s['conns_per_user']:,} connections, hold "
      f"{s['hold_s']:g} s; traffic {s['traffic_users']:,} users in pairs, "
      f"W={s['inflight']}, warm-up {s['warmup_s']:g} s, window "
      f"{s['window_s']:g} s; repeats {meta['repeat']} (medians)")
print("ratio: how many times better Parley is (Parley/baseline where higher "
      "is better, baseline/Parley where lower is better)")
print()
header = ("scenario", "unit", "better", "Parley",
          "baseline" if have_baseline else "baseline (not run)", "ratio")
cells = [header] + [(r["scenario"], r["unit"], r["better"],
                     show(tuple(r["parley"]) if isinstance(r["parley"], list)
                          else r["parley"]),
                     show(tuple(r["baseline"]) if isinstance(r["baseline"], list)
                          else r["baseline"]),
                     "-" if r["ratio"] is None else f"{r['ratio']:.2f}x")
                    for r in rows]
widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
for n, c in enumerate(cells):
    print(" | ".join(v.ljust(w) if i == 0 else v.rjust(w)
                     for i, (v, w) in enumerate(zip(c, widths))))
    if n == 0:
        print("-+-".join("-" * w for w in widths))
print(f"\ntook {int(duration) // 60} min {int(duration) % 60} s; "
      f"JSON: {out_path}")

meta.update({"load_average_end": load_end, "duration_s": int(duration),
             "summary": rows, "runs": runs})
json.dump(meta, open(out_path, "w"), indent=1)
clean = all(r["exit"] == 0 for r in runs) and all(
    r["parley"] in (0, None) and r["baseline"] in (0, None)
    for r in rows if r["unit"] in ("count", "runs"))
sys.exit(0 if clean else 1)
EOF
}
