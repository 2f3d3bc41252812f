#!/usr/bin/env python3
"""Issue 17's hostile inputs at their full size, each run through the release CLI with
/usr/bin/time: prints one Markdown row per case (input, size, command, wall time, peak RSS,
exit code, first diagnostic). The tests (crates/core/tests/hostile.rs) run the same shapes
scaled down; this script is for the closing note's table, not for CI.

    cargo build --release -p runlens-cli
    python3 tests/perf/hostile-table.py [--runlens target/release/runlens] [--out /tmp/hostile]
"""

import argparse
import gzip
import io
import os
import shutil
import subprocess
import tarfile
import time
import zipfile

ap = argparse.ArgumentParser()
ap.add_argument("--runlens", default="target/release/runlens")
ap.add_argument("--out", default="/tmp/runlens-hostile")
ap.add_argument("--timeout", type=int, default=300)
ap.add_argument("--only", default="", help="run only the cases whose name contains this")
args = ap.parse_args()
out = args.out
os.makedirs(out, exist_ok=True)


def write(rel, data):
    p = os.path.join(out, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data)
    return p


def tar_bytes(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def new_field_log(lines):
    return "".join(
        f"[2026-01-01 00:00:00 TP0] Decode batch, #running-req: 4, token usage: 0.10, field{i}: {i}\n"
        for i in range(lines)
    ).encode()


cases = []  # (label, path, commands)

p = write("fields50k/run/logs/n1_decode_w0.err", new_field_log(50_000))
cases.append(("worker log of 50 000 decode lines, each with one new field name", os.path.dirname(os.path.dirname(p)), ["summary", "nodes"]))
p = write("fields20k/run/logs/n1_decode_w0.err", new_field_log(20_000))
cases.append(("the same with 20 000 lines", os.path.dirname(os.path.dirname(p)), ["summary", "nodes"]))

head = "INFO 07-09 03:15:05 [metrics.py:1] SpecDecoding metrics: Mean acceptance length: 2.33, Per-position acceptance rate: "
text = head + "".join("0.5, " if i % 2 == 0 else "0.25, " for i in range(150_000)) + "\n"
text += "".join(
    f"INFO 07-09 03:15:{i % 60:02} [metrics.py:1] SpecDecoding metrics: Mean acceptance length: 2.{i}, Per-position acceptance rate: 0.6, 0.4\n"
    for i in range(5_000)
)
p = write("vllmlist/run/logs/n1_decode_w0.err", text.encode())
cases.append(("vLLM log with one 150 000-element list line, then 5 000 stats lines", os.path.dirname(os.path.dirname(p)), ["summary", "nodes"]))

lines = []
for n in range(200):
    line = f'{{"iter": {n}, "iterLatencyMS": 10.5, "numActiveRequests": 4'
    if n == 0:
        line += "".join(f', "k{k}": {k}' for k in range(60_000))
    lines.append(line + ', "timestamp": "2026-01-01 00:00:00"}\n')
p = write("trtkeys/run/logs/n1_decode_w0.err", "".join(lines).encode())
cases.append(("TRT-LLM JSON iteration log, one line with 60 000 keys", os.path.dirname(os.path.dirname(p)), ["summary", "nodes"]))

def write_nested_tar(path, depth, content=b"hello\n"):
    """A tar holding a tar holding … `depth` levels, the innermost holding x.txt, written in one
    pass: every level's size is known in advance (a header, the member padded to 512 bytes and
    the two zero blocks that end an archive), so the headers are written outermost first, then
    the content, then each level's padding and end blocks innermost first."""
    sizes = [len(content)]
    for _ in range(depth):
        sizes.append(512 + -(-sizes[-1] // 512) * 512 + 1024)
    with open(path, "wb") as f:
        for level in range(depth - 1, -1, -1):
            info = tarfile.TarInfo(f"l{level}.tar" if level else "x.txt")
            info.size = sizes[level]
            f.write(info.tobuf(format=tarfile.USTAR_FORMAT))
        f.write(content)
        for level in range(depth):
            f.write(b"\0" * (-sizes[level] % 512) + b"\0" * 1024)


for depth in (5_000, 20_000):
    p = os.path.join(out, f"deep{depth}.tar")
    if not os.path.exists(p) or os.path.getsize(p) < depth * 1536:
        write_nested_tar(p, depth)
    cases.append((f"tar nested {depth} deep", p, ["summary"]))

shutil.rmtree(os.path.join(out, "symlinks"), ignore_errors=True)
d = os.path.join(out, "symlinks/run")
os.makedirs(d)
write("symlinks/run/results_concurrency_4.json", b'{"max_concurrency": 4, "output_throughput": 100.0, "request_throughput": 1.0, "total_token_throughput": 200.0}')
os.symlink(".", os.path.join(d, "self"))
os.symlink("/dev/zero", os.path.join(d, "zero.json"))
cases.append(("a run folder with symlinks to `.` and to `/dev/zero`", os.path.join(out, "symlinks"), ["summary"]))

# 42.zip-style: 16 copies per level, 4 levels, of a 64 MB file of zeros.
zb = io.BytesIO()
with zipfile.ZipFile(zb, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("zeros.txt", b"\0" * (64 << 20))
level = zb.getvalue()
for lvl in range(4):
    zb = io.BytesIO()
    with zipfile.ZipFile(zb, "w", zipfile.ZIP_DEFLATED) as z:
        for c in range(16):
            z.writestr(f"l{lvl}_{c}.zip", level)
    level = zb.getvalue()
p = write("bomb/42.zip", level)
cases.append(("42.zip-style nested zip bomb (16⁴ × 64 MB)", p, ["summary"]))

p = os.path.join(out, "gz3g/results_concurrency_4.json.gz")
os.makedirs(os.path.dirname(p), exist_ok=True)
with gzip.open(p + ".part", "wb", compresslevel=1) if not os.path.exists(p) else open(os.devnull, "wb") as g:
    g.write(b'{"max_concurrency": 4, "output_throughput": 100.0, "pad": "')
    chunk = b"a" * (64 << 20)
    for _ in range(48):
        g.write(chunk)
    g.write(b'"}')
if os.path.exists(p + ".part"):
    os.rename(p + ".part", p)
cases.append(("`results_concurrency_4.json.gz` inflating to 3 GB", p, ["summary"]))

p = os.path.join(out, "bigmember.tar.gz")
with tarfile.open(p, "w:gz", compresslevel=1) as t:
    info = tarfile.TarInfo("run/results_concurrency_4.json")
    size = 900 << 20
    info.size = size

    class Pad(io.RawIOBase):
        def __init__(self):
            self.left = size

        def readable(self):
            return True

        def readinto(self, b):
            n = min(len(b), self.left)
            b[:n] = b" " * n
            self.left -= n
            return n

    t.addfile(info, io.BufferedReader(Pad(), 1 << 20))
cases.append(("tar.gz with a 900 MB result member", p, ["summary"]))

# A zip inside a tar.gz whose one member inflates to 2 GB: a result JSON (its keys first, so it
# is recognised) padded with spaces before its closing brace; the zip is ~9 MB, the tar.gz ~25 KB.
p = os.path.join(out, "innerzip2.tar.gz")
if not os.path.exists(p):
    zpath = os.path.join(out, "inner2g.zip")
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open("run/results_concurrency_4.json", "w", force_zip64=True) as m:
            m.write(b'{"max_concurrency": 4, "completed": 10, "output_throughput": 100.0, "request_throughput": 1.0, "mean_ttft_ms": 10.0,')
            block = b" " * (1 << 20)
            for _ in range(2048):
                m.write(block)
            m.write(b'"mean_tpot_ms": 5.0}')
    with tarfile.open(p, "w:gz") as t:
        t.add(zpath, arcname="runs/inner.zip")
    os.remove(zpath)
cases.append(("tar.gz with a 2 GB inner zip", p, ["summary"]))

members = [
    (
        f"run/results_concurrency_{i + 1}.json",
        f'{{"max_concurrency": {i + 1}, "output_throughput": {100 + i}.0, "request_throughput": 1.0, "total_token_throughput": 200.0, "mean_ttft_ms": 10.0, "mean_tpot_ms": 5.0}}'.encode(),
    )
    for i in range(100_000)
]
p = os.path.join(out, "many.tar.gz")
with open(p, "wb") as f:
    f.write(gzip.compress(tar_bytes(members), 6))
cases.append(("one run with 100 000 result files", p, ["summary", "points"]))

# 4 GB of valid SGLang decode lines, as one member of a tar.gz (streamed through gzip -1).
p = os.path.join(out, "sglang4g.tar.gz")
line = b"[2026-01-01 00:00:00 DP0 TP0] Decode batch, #running-req: 64, #token: 81920, token usage: 0.42, cuda graph: True, gen throughput (token/s): 3200.00, #queue-req: 0\n"
per = (4 << 30) // len(line)
with tarfile.open(p, "w:gz", compresslevel=1) as t:
    info = tarfile.TarInfo("run/logs/n1_decode_w0.err")
    info.size = per * len(line)
    block = line * 8192

    class Lines(io.RawIOBase):
        def __init__(self):
            self.left = info.size
            self.buf = b""

        def readable(self):
            return True

        def readinto(self, b):
            if not self.buf:
                self.buf = block[: self.left]
            n = min(len(b), len(self.buf))
            b[:n] = self.buf[:n]
            self.buf = self.buf[n:]
            self.left -= n
            return n

    t.addfile(info, io.BufferedReader(Lines(), 1 << 20))
cases.append(("4 GB of valid SGLang lines in a tar.gz", p, ["summary", "nodes"]))

p = write("mbdate/run/1234.json", '{"run_metadata": {"job_id": "1234", "run_date": "2026-01-01 00:00:0é0"}}'.encode())
cases.append(("a date string with a multi-byte character at byte 19", os.path.dirname(os.path.dirname(p)), ["summary"]))


def measure(cmd, stdout=subprocess.DEVNULL):
    t0 = time.time()
    try:
        r = subprocess.run(["/usr/bin/time", "-f", "%M %e", *cmd], stdout=stdout, stderr=subprocess.PIPE, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return f"killed after {args.timeout} s", "-", "-", ""
    lines = r.stderr.decode(errors="replace").strip().splitlines()
    rss_kb, wall = lines[-1].split() if lines else ("0", "0")
    diag = next((l for l in lines[:-1] if "error" in l or "warning" in l or "limit" in l or "skipp" in l), "")
    return f"{float(wall):.1f} s", f"{int(rss_kb) / 1024:.0f} MB", str(r.returncode), diag[:140]


print("| input | size | command | time | peak RSS | exit | first diagnostic |")
print("|---|---|---|---|---|---|---|")
for label, path, commands in cases:
    if args.only not in label:
        continue
    size = os.path.getsize(path) if os.path.isfile(path) else sum(
        os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(path) for f in fs if not os.path.islink(os.path.join(r, f))
    )
    for c in commands:
        t, rss, code, diag = measure([args.runlens, c, path])
        print(f"| {label} | {size / 1e6:.1f} MB | `{c}` | {t} | {rss} | {code} | {diag.replace('|', '/')} |", flush=True)

demo = "fixtures/demo/demo-runs.tar.gz"
if os.path.exists(demo):
    with open("/dev/full", "wb") as full:
        t, rss, code, diag = measure([args.runlens, "summary", demo], stdout=full)
    print(f"| `runlens summary DEMO > /dev/full` | - | `summary` | {t} | {rss} | {code} | {diag.replace('|', '/')} |")
    r = subprocess.run(f"{args.runlens} points {demo} | head -c 10 > /dev/null; echo ${{PIPESTATUS[0]}}", shell=True, executable="/bin/bash", capture_output=True)
    print(f"| `runlens points DEMO` into a closed pipe | - | `points` | - | - | {r.stdout.decode().strip()} | {r.stderr.decode(errors='replace').strip()[:140]} |")
