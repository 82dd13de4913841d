# Writes run.txt: a fixture in the runner's raw.txt format with all four
# benchmarks (made-up but plausible numbers, fixed seed). Rerun by hand:
#   python3 gen.py > run.txt
import random
random.seed(6)
out = []
def p(s): out.append(s)
p("commit: abc1234\ngo: go1.26.0\ncores: 2\nmachine: linux/amd64, Fixture OS, kernel 6.0, 8.0 GiB RAM\nrunid: 20260101T000000Z-abc1234\ncommand: concbench run")
def noise(v, r=0.03): return v * (1 + random.uniform(-r, r))
def line(name, procs, iters, vals):
    suf = "" if procs == 1 else "-%d" % procs
    p("Benchmark%s%s \t%8d\t%s" % (name, suf, iters, "\t".join("%.4g %s" % (v, u) for v, u in vals)))
for rnd in range(6):
    for mode in ("async", "off"):
        for procs in (1, 2):
            p("preempt: %s\ngoos: linux\ngoarch: amd64\npkg: github.com/concbench/concbench/bench\ncpu: Fixture CPU" % mode)
            # JoinAll
            for impl, per_tiny, per_cpu, per_wait in (("own", 30, 10000, 1200), ("serial", 20, 10000, 1.1e6), ("waitgroup", 250, 10200, 1500), ("osthread", 30000, 40000, 9000)):
                for n in (10, 1000):
                    for task in ("tiny", "cpu", "wait"):
                        if impl == "serial" and task == "wait" and n > 10: continue
                        per = {"tiny": per_tiny, "cpu": per_cpu, "wait": per_wait}[task]
                        if task != "wait" and impl != "serial": per = per / procs * (1.05 if impl == "own" else 1.2)
                        if task == "wait" and impl != "serial" and n == 10: per = 1.1e6 / n
                        ns = noise(per * n)
                        line("JoinAll/impl=%s/n=%d/task=%s" % (impl, n, task), procs, 100, [(ns, "ns/op"), (ns / n, "ns/task"), (64 * n, "B/op"), (n + 2, "allocs/op")])
            # FirstDone
            for impl, first, cancel, start in (("own", 400, 900, 300), ("floor", 350, 700, 280)):
                for n in (2, 16):
                    c = noise(cancel * (1 + n / 16))
                    line("FirstDone/impl=%s/n=%d/task=wait" % (impl, n), procs, 1000, [(noise(1.1e6), "ns/op"), (noise(first), "first-ns"), (c, "cancel-ns"), (noise(start), "start-ns"), (100 * n, "B/op"), (2 * n, "allocs/op")])
            # FailFast
            for impl in ("own", "errgroup", "waitgroup"):
                for task in ("ok", "fail", "cpufail"):
                    if impl == "waitgroup" and task != "ok": continue
                    vals = [(noise(50000), "ns/op")]
                    if task == "ok": vals.append((noise(300 if impl != "own" else 200), "ns/task"))
                    if task == "fail": vals.append((noise(2000 if impl == "own" else 2600), "cancel-ns"))
                    if task == "cpufail": vals.append((round(noise(procs * (1 if impl == "own" else 3), 0.5)), "wasted-tasks"))
                    line("FailFast/impl=%s/n=16/task=%s" % (impl, task), procs, 500, vals)
            # Starvation
            for n in ([1] if procs == 1 else [2, 1]):
                for hog in ("tight", "call"):
                    op = noise(50e6)
                    starved = mode == "off" and hog == "tight" and n == procs
                    p50 = noise(op * 0.9) if starved else noise(20000)
                    mx = noise(op) if starved else noise(10.5e6 if mode == "async" and hog == "tight" else 150000)
                    p99 = noise(mx * 0.95)
                    w = round(noise(46, 0.05))
                    wakes = 1 if starved else 4 if hog == "tight" else w
                    vals = [(op, "ns/op"), (wakes / 50.0, "progress"), (mx, "stall-ns")]
                    if wakes >= 20: vals.append((p50, "p50-wake-ns"))
                    line("Starvation/n=%d/hog=%s/victim=sleep" % (n, hog), procs, 1, vals)
            if rnd == 2 and mode == "off" and procs == 2:
                p("# concbench: failed: round 3 preempt=off gomaxprocs=2: bench.test: watchdog: killed after timeout (3m0s)")
print("\n".join(out))
