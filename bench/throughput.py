"""Whole-pipeline throughput: `copydesk ingest` of a generated web vs bare trafilatura on the same page bytes.

Run `.venv/bin/python -m bench.throughput [--web generated|real|cjk] [--stories N] [--workdir DIR]
[--no-write] [--no-ephemeral]`.

Steps, all in one process tree on this machine:

1. bench.synweb generates a web of N stories in one run state, unless DIR/web-<kind> already holds one of that
   size. `--web` picks its kind (bench.synweb.WEBS), each about 7,000 article pages at its default size:
   `generated` (the default: 1,820 stories of generated English and Japanese prose), `real` (the real pages
   of ../shared/bench/aeb-dev and news-pages-dev, reused over 24 outlets with small changes to their bytes,
   plus copies rendered from their texts; needs ../shared/bench) or `cjk` (Shift_JIS, EUC-JP, EUC-KR and
   UTF-8 Japanese, Korean and Chinese outlets with long stories on heavy pages, and their copies);
2. a `prefect server start` with its own PREFECT_HOME starts on a free loopback port (as when deployed) and
   the web is served on loopback in a child process by bench.fastsites (copydesk.loopback's answers from an
   asyncio server: outlets' servers do not run on the cores measured), which records every path requested;
3. `copydesk ingest --outlets <rendered> --warehouse DIR/wh` runs as a subprocess from a cold warehouse with
   PREFECT_API_URL set; its wall time, from process start to exit, is the pipeline's time. The RSS of every
   process (ingest + its workers, the Prefect server, the site server) is sampled every 0.1 s and the peak
   of the sum reported;
4. the HTML pages the ingest fetched are read back from the site root with the same {{BASE}} substitution the
   server applied (the same bytes: a sample is fetched again over HTTP and compared first, legacy charsets
   included) and `trafilatura.bare_extraction(page)` (default settings) runs over all of them in this
   process, one after another: the single-process baseline;
5. ingest runs again over the unchanged outlets (every URL already seen): the incremental rerun; then once
   more without PREFECT_API_URL, which shows the ephemeral-mode (temporary local server) cold start;
6. with --pairs N (default 3), steps 2-4 run N times in all, a cold ingest then the bare side each time, and
   the ratio reported is the median of the N pairs' ratios. This machine's speed drifts by up to ~20 %
   within minutes (the same run's CPU seconds move with it), so one pair's ratio depends on which side
   ran in a fast moment; every pair is listed.

pages/s = HTML article pages fetched / seconds. Results go to stdout and bench/results/throughput.md (the
generated web) or bench/results/throughput-<kind>.md (the others).
"""

import argparse
import compileall
import json
import math
import multiprocessing
import os
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import duckdb
import httpx

from bench.results_file import write_block
from bench.synweb import DEFAULT_STORIES, WEBS

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN = REPO_ROOT / ".venv" / "bin"
RESULTS = REPO_ROOT / "bench" / "results" / "throughput.md"
PLACEHOLDER = b"{{BASE}}"
SAMPLE_S = 0.1
CHECKED_PAGES = 300


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_web(web_dir: Path, n_stories: int, kind: str = "generated") -> tuple[Path, Path]:
    """(sites root, outlets template) of a one-run web of its kind and n_stories, generated unless already
    there."""
    meta_file = web_dir / "truth.json"
    if meta_file.is_file():
        meta = json.loads(meta_file.read_text(encoding="utf-8")).get("meta", {})
        same = meta.get("n_stories") == n_stories and meta.get("web", "generated") == kind
        if same and meta.get("runs") == 1:
            return web_dir / "sites", web_dir / "outlets.yaml"
        shutil.rmtree(web_dir)
    from bench.synweb import build_web

    web = build_web(kind, web_dir, n_stories)
    print(f"generated the {kind} web: {web.articles} articles, {web.pages[1]} pages in {web.seconds:.1f} s",
          flush=True)  # fmt: skip
    return web.sites, web.outlets_file


def _serve(
    root: str,
    port: int,
    log_path: str,
    ready: "multiprocessing.synchronize.Event",
    stop: "multiprocessing.synchronize.Event",
) -> None:
    from bench.fastsites import serve_fast_sites

    with serve_fast_sites(Path(root), port=port) as server:
        ready.set()
        stop.wait()
        Path(log_path).write_text("\n".join(server.requests), encoding="utf-8")


class SiteProcess:
    """The synthetic web served by bench.fastsites in a child process (its event loop stays off our GIL)."""

    def __init__(self, root: Path, log_path: Path) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.port = free_port()
        self.log_path = log_path
        self._ready, self._stop = ctx.Event(), ctx.Event()
        self.proc = ctx.Process(
            target=_serve, args=(str(root), self.port, str(log_path), self._ready, self._stop)
        )

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:<port>."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "SiteProcess":
        self.proc.start()
        if not self._ready.wait(60):
            raise RuntimeError("site server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.proc.join(30)

    def requests(self) -> list[str]:
        """Paths requested so far (valid after exit)."""
        return self.log_path.read_text(encoding="utf-8").splitlines() if self.log_path.exists() else []


class PrefectServer:
    """`prefect server start` with its own PREFECT_HOME on a free loopback port; stopped by process group."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = free_port()
        self.api = f"http://127.0.0.1:{self.port}/api"
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "PrefectServer":
        env = {**os.environ, "PREFECT_HOME": str(self.home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        env.pop("PREFECT_API_URL", None)
        self.home.mkdir(parents=True, exist_ok=True)
        self._log = (self.home / "server.log").open("wb")
        self.proc = subprocess.Popen(
            [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{self.api}/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError(f"prefect server did not start; see {self.home / 'server.log'}")
            time.sleep(0.5)

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()


PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# pid -> (parent pid, resident bytes, CPU seconds)
ProcessTable = dict[int, tuple[int, int, float]]


def process_table() -> ProcessTable:
    """pid -> (parent pid, resident bytes, CPU seconds) of every process, one read of /proc/<pid>/stat each.

    What psutil reports (its RSS is statm's resident pages, the same counter as stat's), in one pass for all
    trees: psutil's children() reads every process's stat once per call, and three calls a sample cost ~4 ms
    of CPU, 10 times a second, in the middle of the run being measured.
    """
    table: ProcessTable = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                raw = handle.read()
        except OSError:  # gone since the listing
            continue
        # after the command name in parentheses: state, ppid, ..., utime (14), stime (15), ..., rss (24)
        fields = raw[raw.rfind(b")") + 2 :].split()
        cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        table[int(entry.name)] = (int(fields[1]), int(fields[21]) * PAGE_BYTES, cpu)
    return table


def tree_usage(pid: int, table: ProcessTable | None = None) -> tuple[int, dict[int, float]]:
    """(resident bytes, {pid: CPU seconds so far}) of a process and all its descendants."""
    table = process_table() if table is None else table
    if pid not in table:
        return 0, {}
    children: dict[int, list[int]] = {}
    for child, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(child)
    rss, cpu, todo = 0, {}, [pid]
    while todo:
        current = todo.pop()
        _, resident, seconds = table[current]
        rss += resident
        cpu[current] = seconds
        todo.extend(children.get(current, []))
    return rss, cpu


@dataclass
class RssSampler:
    """Samples the summed RSS of some process trees in a thread; keeps the peaks and the CPU time used."""

    pids: dict[str, int]
    peak_total: int = 0
    peak: dict[str, int] = field(default_factory=dict)
    cpu: dict[str, dict[int, float]] = field(default_factory=dict)
    cpu_start: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        sizes = {}
        table = process_table()
        for name, pid in self.pids.items():
            sizes[name], cpu = tree_usage(pid, table)
            self.cpu.setdefault(name, {}).update(cpu)
        self.peak_total = max(self.peak_total, sum(sizes.values()))
        for name, size in sizes.items():
            self.peak[name] = max(self.peak.get(name, 0), size)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(SAMPLE_S)

    def cpu_seconds(self, name: str) -> float:
        """CPU seconds a watched tree used while sampled (processes that ended keep their last sample)."""
        return sum(self.cpu.get(name, {}).values()) - self.cpu_start.get(name, 0.0)

    def root_cpu_seconds(self, name: str) -> float:
        """CPU seconds of a watched tree's root process alone (for the ingest: without its workers)."""
        return self.cpu.get(name, {}).get(self.pids[name], 0.0)

    def __enter__(self) -> "RssSampler":
        self._sample()
        self.cpu_start = {name: sum(cpu.values()) for name, cpu in self.cpu.items() if name != "ingest"}
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_pair(sites: Path, template: Path, workdir: Path, n: int, pages: list[Path]) -> tuple[float, float]:
    """(ingest seconds, bare seconds) of one more pair: a cold ingest with its own servers, then the bare side
    over the same pages (with this pair's base URL in them, as its server sent them)."""
    warehouse = workdir / f"wh-pair{n}"
    shutil.rmtree(warehouse, ignore_errors=True)
    with PrefectServer(workdir / f"prefect-home-pair{n}") as server, \
            SiteProcess(sites, workdir / f"requests-pair{n}.log") as site:  # fmt: skip
        outlets = workdir / f"outlets-pair{n}.yaml"
        outlets.write_text(template.read_text(encoding="utf-8").replace("{{BASE}}", site.base_url), "utf-8")
        ingest_s, _ = run_ingest(outlets, warehouse, workdir / "ingest.log", server.api)
        base_url = site.base_url
    shutil.rmtree(warehouse, ignore_errors=True)
    bare_s, _ = run_bare(pages, base_url)
    print(f"  ingest {ingest_s:.1f} s, bare {bare_s:.1f} s: {bare_s / ingest_s:.2f}x", flush=True)
    return ingest_s, bare_s


def compile_product() -> None:
    """Byte-compile copydesk's own modules, as `pip install` does for an installed copy. An editable install
    has no bytecode of them, and under PYTHONDONTWRITEBYTECODE (set on this machine) every process of every
    run compiled them again: ~0.1 s of a core in the ingest process and again in the forkserver."""
    for package in ("copydesk", "flows", "tasks", "warehouse"):
        compileall.compile_dir(REPO_ROOT / package, quiet=1)


def run_ingest(
    outlets: Path,
    warehouse: Path,
    log: Path,
    api_url: str | None,
    watch: dict[str, int] | None = None,
    env_extra: dict[str, str] | None = None,
) -> tuple[float, RssSampler]:
    """Run `copydesk ingest` once; returns (seconds, RSS sampler over it and the watched processes)."""
    env = {**os.environ, **(env_extra or {})}
    env.pop("PREFECT_API_URL", None)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    command = [str(BIN / "copydesk"), "ingest", "--outlets", str(outlets), "--warehouse", str(warehouse)]
    with log.open("a", encoding="utf-8") as sink:
        sink.write(f"$ {' '.join(command)}\n")
        sink.flush()
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
        with RssSampler({"ingest": proc.pid, **(watch or {})}) as sampler:
            code = proc.wait()
        seconds = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"copydesk ingest exited {code}; see {log}")
    return seconds, sampler


def fetched_pages(root: Path, requests: list[str]) -> list[Path]:
    """The HTML files behind the requested paths, once each, in request order."""
    seen: set[Path] = set()
    pages: list[Path] = []
    for raw in requests:
        path = (root / unquote(urlsplit(raw).path).lstrip("/")).resolve()
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file() and path not in seen:
            seen.add(path)
            pages.append(path)
    return pages


def served_bytes(page: Path, base_url: str) -> bytes:
    """A page's bytes as the site server sends them: the file with {{BASE}} replaced."""
    return page.read_bytes().replace(PLACEHOLDER, base_url.encode("ascii"))


def check_served_bytes(sites: Path, root: Path, pages: list[Path], sample: int = CHECKED_PAGES) -> int:
    """Fetch an even sample of the pages from a fresh site server and fail unless every body is what the bare
    side reads; return how many were compared."""
    step = max(1, len(pages) // sample)
    chosen = pages[::step][:sample]
    with SiteProcess(sites, root / "requests-check.log") as site, httpx.Client(timeout=30) as client:
        for page in chosen:
            response = client.get(f"{site.base_url}/{page.relative_to(sites.resolve()).as_posix()}")
            if response.status_code != 200 or response.content != served_bytes(page, site.base_url):
                raise SystemExit(f"the bare side would not read what the server sends for {page}")
    return len(chosen)


def run_bare(pages: list[Path], base_url: str) -> tuple[float, float]:
    """(Seconds, CPU seconds) of single-process `trafilatura.bare_extraction` (defaults) over the pages'
    served bytes."""
    import trafilatura

    data = [served_bytes(p, base_url) for p in pages]
    trafilatura.bare_extraction(data[0])  # imports and caches, as the ingest's workers do once
    started, cpu = time.perf_counter(), time.process_time()
    for page in data:
        trafilatura.bare_extraction(page)
    return time.perf_counter() - started, time.process_time() - cpu


SCALING_PAGES = 1500


def _bare_pages_per_s(data: list[bytes]) -> float:
    import trafilatura

    trafilatura.bare_extraction(data[0])
    started = time.perf_counter()
    for page in data:
        trafilatura.bare_extraction(page)
    return len(data) / (time.perf_counter() - started)


def bare_scaling(pages: list[Path], base_url: str) -> tuple[float, float]:
    """(pages/s of bare trafilatura in one process, pages/s in all of two processes running at once).

    What two CPUs give a CPU-bound parallel job here: the issue's "the limit on 2 cores is 2.0x" assumes the
    second process runs as fast as the first, which a shared or throttled VM may not allow.
    """
    import multiprocessing

    data = [served_bytes(p, base_url) for p in pages[:SCALING_PAGES]]
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        (one,) = pool.map(_bare_pages_per_s, [data])
    with context.Pool(2) as pool:
        two = pool.map(_bare_pages_per_s, [data, data])
    return one, sum(two)


def warehouse_counts(warehouse: Path) -> dict[str, int]:
    """Articles, stories and failures in the published warehouse."""
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        return {
            "articles": con.execute("SELECT count(*) FROM articles").fetchone()[0],
            "stories": con.execute("SELECT count(*) FROM stories").fetchone()[0],
            "failures": con.execute("SELECT count(*) FROM failures").fetchone()[0],
        }
    finally:
        con.close()


LIBRARY_FRAMES = {
    ("bare_extraction", "trafilatura/core.py"): "trafilatura.bare_extraction (copydesk's calls)",
    ("detect_language", "tasks/extract/language.py"): "language identification (CLD2)",
    ("send", "httpx/_client.py"): "httpx AsyncClient.send",
    ("execute", "duckdb"): "duckdb execute",
}


def profile_ingest(outlets: Path, warehouse: Path, log: Path, api_url: str, out: Path) -> Path:
    """A cold ingest under `py-spy record --subprocesses` (100 Hz); returns the speedscope file."""
    env = {**os.environ, "PREFECT_API_URL": api_url}
    spy = [str(BIN / "py-spy"), "record", "--subprocesses", "-r", "100", "-f", "speedscope", "-o", str(out)]
    ingest = [str(BIN / "copydesk"), "ingest", "--outlets", str(outlets), "--warehouse", str(warehouse)]
    command = [*spy, "--", *ingest]
    with log.open("a", encoding="utf-8") as sink:
        subprocess.run(command, cwd=REPO_ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT, check=True)
    return out


def summarise_profile(path: Path, top: int = 14) -> str:
    """Where the ingest's CPU went, per process role: active seconds, inclusive shares of main frames."""
    data = json.loads(path.read_text(encoding="utf-8"))
    frames = data["shared"]["frames"]

    def short(frame: dict[str, object]) -> str:
        file = str(frame.get("file") or "")
        for marker in ("site-packages/", f"{REPO_ROOT}/"):
            file = file.split(marker)[-1]
        return f"{frame['name']} ({file})"

    roles: dict[str, tuple[float, dict[str, float], dict[str, float]]] = {}
    main_pid = None
    for profile in data["profiles"]:
        pid = profile["name"].split()[1]
        main_pid = main_pid or pid
        role = (
            "main process (flow, fetch, lake, load)" if pid == main_pid else "extraction workers (together)"
        )
        total, ours, libs = roles.setdefault(role, (0.0, {}, {}))
        for stack, weight in zip(profile["samples"], profile["weights"], strict=True):
            total += weight
            seen: set[str] = set()
            for index in stack:
                frame = frames[index]
                file = str(frame.get("file") or "")
                key = short(frame)
                if key in seen:
                    continue
                seen.add(key)
                if f"{REPO_ROOT}/" in file and "/.venv/" not in file:
                    ours[key] = ours.get(key, 0.0) + weight
                for (name, where), label in LIBRARY_FRAMES.items():
                    if frame["name"] == name and where in file:
                        libs[label] = libs.get(label, 0.0) + weight
        roles[role] = (total, ours, libs)
    lines = []
    for role, (total, ours, libs) in roles.items():
        lines += [
            "",
            f"**{role}**: {total:.1f} s of active thread samples (on a core or waiting for one)",
            "",
            "| frame (inclusive) | s | share |",
            "|---|---|---|",
        ]
        entries = sorted(ours.items(), key=lambda item: -item[1])[:top] + sorted(
            libs.items(), key=lambda i: -i[1]
        )
        for key, seconds in entries:
            lines.append(f"| `{key}` | {seconds:.1f} | {seconds / total:.0%} |")
    return "\n".join(lines)


def _mb(size: int) -> str:
    return f"{size / 2**20:,.0f} MB"


def report(f: dict[str, object]) -> str:
    """The markdown results block."""
    ingest_cpu, pages = float(f["ingest_cpu_s"]), int(f["pages"])  # type: ignore[arg-type]
    main_cpu = float(f["ingest_main_cpu_s"])  # type: ignore[arg-type]
    lines = [
        f"web: {f['web']}, {f['web_stories']} stories, {pages} HTML article pages fetched "
        f"({f['page_mb']:.1f} MB); "
        f"{f['cpus']} CPUs; task runner: {f['task_runner']}; load average before the run: {f['load_before']}",
        "",
        "| side | seconds | pages/s | CPU ms per page |",
        "|---|---|---|---|",
        f"| `copydesk ingest`, cold warehouse, Prefect server running | {f['ingest_s']:.1f} | "
        f"{f['ingest_pps']:.1f} | {1000 * ingest_cpu / pages:.2f} (ingest + workers) |",
        f"| bare `trafilatura.bare_extraction`, one process | {f['bare_s']:.1f} | {f['bare_pps']:.1f} | "
        f"{1000 * float(f['bare_cpu_s']) / pages:.2f} |",  # type: ignore[arg-type]
        "",
        *_bare_lines(f, pages),
        f"CPU seconds during the ingest: ingest + extraction workers {ingest_cpu:.1f} (the ingest process "
        f"{main_cpu:.1f}, its workers {ingest_cpu - main_cpu:.1f}), Prefect server "
        f"{f['server_cpu_s']:.1f}, site server {f['sites_cpu_s']:.1f}",
        "",
        f"warehouse after the run: {f['articles']} articles, {f['stories_loaded']} stories, "
        f"{f['failures']} failures",
        "",
        f"peak RSS, all processes together (sum sampled every {SAMPLE_S} s): **{_mb(f['peak_total'])}**; "
        f"per tree at its own peak: ingest + workers {_mb(f['peak_ingest'])}, Prefect server "
        f"{_mb(f['peak_server'])}, site server {_mb(f['peak_sites'])}",
        "",
        "incremental rerun (unchanged outlets, every URL seen), Prefect server running: "
        f"**{f['rerun_s']:.1f} s**",
        "",
        "the same rerun in ephemeral mode (no PREFECT_API_URL: a temporary local server starts and stops): "
        + (f"{f['ephemeral_s']:.1f} s" if f.get("ephemeral_s") is not None else "not measured"),
    ]
    if f.get("profile"):
        lines += ["", "### Profile of a cold ingest (py-spy, 100 Hz, all processes)", str(f["profile"])]
    return "\n".join(lines)


def _bare_lines(f: dict[str, object], pages: int) -> list[str]:
    """The ratio and two-CPU scaling lines; none when the bare side was skipped (--no-bare)."""
    if math.isnan(float(f["ratio"])):  # type: ignore[arg-type]
        return ["bare side not measured (--no-bare): no ratio", ""]
    one, two = float(f["scale_one"]), float(f["scale_two"])  # type: ignore[arg-type]
    pairs = f.get("pairs") or [(float(f["ingest_s"]), float(f["bare_s"]))]  # type: ignore[arg-type]
    listed = "; ".join(f"{i:.1f} s vs {b:.1f} s: {b / i:.2f}x" for i, b in pairs)  # type: ignore[misc]
    return [
        f"ratio (ingest pages/s / bare pages/s): **{f['ratio']:.2f}x**, the median of {len(pairs)} "
        f"interleaved pairs (cold ingest, then bare, each; the table shows the first): {listed}",
        "",
        f"what two CPUs give here: bare trafilatura on the first {min(SCALING_PAGES, pages)} pages, "
        f"one process {one:.0f} pages/s, two processes at once {two:.0f} pages/s in all "
        f"(**{two / one:.2f}x**; the bound on any parallel pipeline's ratio)",
        "",
    ]


def write_results(section: str, web: str = "generated") -> None:
    """Record the figures in the generated block of the web's results file."""
    if web == "generated":
        write_block(RESULTS, section, "Throughput benchmark")
    else:
        path = RESULTS.with_name(f"throughput-{web}.md")
        write_block(path, section, f"Throughput benchmark: the {web} web")


def main(argv: list[str] | None = None) -> int:
    """Run both sides, print the figures and record them in bench/results/throughput.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--web", choices=WEBS, default="generated", help="the kind of web (synweb.WEBS)")
    parser.add_argument(
        "--stories", type=int, help=f"stories in the web (default per web, ~7,000 pages: {DEFAULT_STORIES})"
    )
    parser.add_argument("--workdir", type=Path, help="keep the web and warehouse here (default: a temp dir)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave the results file alone")
    parser.add_argument("--no-ephemeral", action="store_true", help="skip the ephemeral-mode rerun")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare trafilatura side")
    parser.add_argument("--profile", action="store_true", help="also profile a cold ingest with py-spy")
    parser.add_argument(
        "--pairs", type=int, default=3, help="cold ingest + bare pairs, interleaved; the ratio: their median"
    )
    args = parser.parse_args(argv)
    stories = args.stories or DEFAULT_STORIES[args.web]

    tmp = None if args.workdir else tempfile.TemporaryDirectory(prefix="copydesk-throughput-")
    workdir = (args.workdir or Path(tmp.name)).resolve()  # type: ignore[union-attr]
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        sites, template = ensure_web(workdir / f"web-{args.web}", stories, args.web)
        warehouse = workdir / "wh"
        shutil.rmtree(warehouse, ignore_errors=True)
        log = workdir / "ingest.log"
        log.write_text("", encoding="utf-8")
        from copydesk.tasks.settings import Settings

        figures: dict[str, object] = {
            "web": args.web,
            "web_stories": stories,
            "cpus": os.cpu_count(),
            "task_runner": Settings().task_runner,
            "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        }
        with PrefectServer(workdir / "prefect-home") as server, \
                SiteProcess(sites, workdir / "requests.log") as site:  # fmt: skip
            outlets = workdir / "outlets.rendered.yaml"
            outlets.write_text(
                template.read_text(encoding="utf-8").replace("{{BASE}}", site.base_url), "utf-8"
            )
            assert server.proc is not None and site.proc.pid is not None
            watch = {"server": server.proc.pid, "sites": site.proc.pid}
            compile_product()
            print("ingest (cold warehouse) ...", flush=True)
            seconds, sampler = run_ingest(outlets, warehouse, log, server.api, watch)
            figures.update(
                ingest_s=seconds,
                peak_total=sampler.peak_total,
                peak_ingest=sampler.peak["ingest"],
                peak_server=sampler.peak["server"],
                peak_sites=sampler.peak["sites"],
                ingest_cpu_s=sampler.cpu_seconds("ingest"),
                ingest_main_cpu_s=sampler.root_cpu_seconds("ingest"),
                server_cpu_s=sampler.cpu_seconds("server"),
                sites_cpu_s=sampler.cpu_seconds("sites"),
            )
            print(f"  {seconds:.1f} s, peak RSS {_mb(sampler.peak_total)}", flush=True)
            figures.update(warehouse_counts(warehouse), stories_loaded=warehouse_counts(warehouse)["stories"])
            print("incremental rerun ...", flush=True)
            figures["rerun_s"], _ = run_ingest(outlets, warehouse, log, server.api)
            if not args.no_ephemeral:
                print("incremental rerun, ephemeral mode ...", flush=True)
                figures["ephemeral_s"], _ = run_ingest(
                    outlets,
                    warehouse,
                    log,
                    None,
                    env_extra={"PREFECT_HOME": str(workdir / "prefect-ephemeral")},
                )
            if args.profile:
                print("cold ingest under py-spy ...", flush=True)
                shutil.rmtree(workdir / "wh-profile", ignore_errors=True)
                speedscope = profile_ingest(
                    outlets, workdir / "wh-profile", log, server.api, workdir / "profile.speedscope.json"
                )
                figures["profile"] = summarise_profile(speedscope)
            base_url = site.base_url
        requests = site.requests()
        # the first run's requests only: reruns fetch feeds and sitemaps, not pages
        pages = fetched_pages(sites, requests)
        figures["pages"] = len(pages)
        figures["page_mb"] = sum(p.stat().st_size for p in pages) / 2**20
        figures["ingest_pps"] = len(pages) / float(figures["ingest_s"])  # type: ignore[arg-type]
        if not args.no_bare:
            checked = check_served_bytes(sites, workdir, pages)
            print(f"{checked} pages fetched again: the bare side reads what the server sends", flush=True)
            print(f"bare trafilatura over {len(pages)} pages ...", flush=True)
            figures["bare_s"], figures["bare_cpu_s"] = run_bare(pages, base_url)
            figures["bare_pps"] = len(pages) / float(figures["bare_s"])  # type: ignore[arg-type]
            pairs = [(float(figures["ingest_s"]), float(figures["bare_s"]))]  # type: ignore[arg-type]
            for n in range(2, args.pairs + 1):
                print(f"pair {n}: cold ingest, then bare trafilatura ...", flush=True)
                pairs.append(run_pair(sites, template, workdir, n, pages))
            figures["pairs"] = pairs
            figures["ratio"] = statistics.median(bare / ingest for ingest, bare in pairs)
            print("bare trafilatura in one, then two processes ...", flush=True)
            figures["scale_one"], figures["scale_two"] = bare_scaling(pages, base_url)
        else:
            figures.update(
                bare_s=float("nan"), bare_cpu_s=float("nan"), bare_pps=float("nan"), ratio=float("nan"),
                scale_one=float("nan"), scale_two=float("nan"),
            )  # fmt: skip
        section = report(figures)
        print(section)
        if not args.no_write:
            write_results(section, args.web)
        return 0
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
