"""Running the real `copydesk` as a user does: in a pseudo-terminal of a chosen size, or captured."""

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

COPYDESK = str(Path(sys.executable).with_name("copydesk"))

# CSI sequences (colours, cursor moves, erase line) and the other two-byte escapes rich writes
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")


def run_in_pty(
    cmd: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    columns: int = 100,
    rows: int = 40,
    timeout: float = 300,
) -> tuple[int, str]:
    """Run cmd with stdin, stdout and stderr on one pty of columns x rows: its exit status, all it wrote."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {**env, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(rows)}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave, start_new_session=True
    )
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{cmd} ran past {timeout}s")
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        status = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
            proc.wait()
        os.close(master)
    return status, b"".join(chunks).decode("utf-8", errors="replace")


def screen_lines(raw: str) -> list[str]:
    """What the terminal showed, roughly: escapes removed, split at line feeds and carriage returns."""
    return re.split(r"\r\n|\r|\n", ANSI.sub("", raw))


def cli_env() -> dict[str, str]:
    """This environment without COPYDESK_ settings: the CLI's defaults, as a newcomer has them."""
    return {k: v for k, v in os.environ.items() if not k.startswith("COPYDESK_")}


def run_copydesk(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real `copydesk` command run in cwd, its output captured."""
    return subprocess.run(
        [COPYDESK, *args], cwd=cwd, env=cli_env(), input=stdin, capture_output=True, text=True, timeout=120
    )
