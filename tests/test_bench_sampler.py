"""The throughput bench's process-tree sampler: memory and CPU of a process and every descendant."""

import os
import signal
import subprocess
import sys
import time

from bench.throughput import process_table, tree_usage

SLEEPER = "import time; time.sleep(60)"
PARENT = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {SLEEPER!r}])"


def test_tree_usage_sums_a_process_and_its_descendants() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT])
    try:
        deadline = time.monotonic() + 30
        children: list[int] = []
        while not children and time.monotonic() < deadline:
            table = process_table()
            children = [pid for pid, (ppid, _, _) in table.items() if ppid == parent.pid]
            time.sleep(0.05)
        assert children, "the child process did not start"
        rss, cpu = tree_usage(parent.pid, table)
        assert set(cpu) == {parent.pid, *children}
        # two Python interpreters: several MB each, and each has used some CPU to start
        assert rss == table[parent.pid][1] + sum(table[c][1] for c in children)
        assert rss > 10_000_000
        assert cpu[parent.pid] > 0
        assert tree_usage(parent.pid)[1].keys() == cpu.keys()
    finally:
        for child in children:
            os.kill(child, signal.SIGKILL)
        parent.kill()
        parent.wait()
    assert tree_usage(parent.pid) == (0, {})
