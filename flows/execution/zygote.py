"""The processes' side of the worker pool: the zygote every worker forks from, and the worker's loop.

The zygote is a fresh interpreter (started by pool.Zygote with `python -c`) that imports what the workers need
once, then forks a worker for each request on its control socket. Forking from it, not from the process that
runs the flow, is safe (the zygote has one thread) and cheap (the imports are done). It is our own small
forkserver: it stops when its control socket closes, with no private multiprocessing call.

A worker reads jobs from its socket, one at a time. Before each item it writes (job, item, start time) into
its slot, a small file mapped by the worker and by the pool, so the pool can tell how long the current item
has run and which item a dead worker was working on, at no cost per item but a write to memory.
"""

import gc
import importlib
import json
import mmap
import os
import pickle
import resource
import signal
import socket
import struct
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

# a slot: the job id, the item being worked on (-1: none; len(items): the job's finishing step), when it
# started (time.monotonic, the same clock in every process), and the state the worker left it in
SLOT = struct.Struct("=qqdq")
SLOT_BYTES = mmap.PAGESIZE
BUSY, OUT_OF_MEMORY = 0, 1
# a job or a reply on a worker's socket: its length, then its pickle
FRAME = struct.Struct("!Q")
# a fork request on the control socket: 1 byte (the worker's socket and slot file ride along as descriptors);
# the answer: the new worker's process id (negative: the errno of a failed fork)
FORK_REQUEST = b"F"
FORK_ANSWER = struct.Struct("!q")


def write_slot(slot: mmap.mmap, job: int, item: int, state: int = BUSY) -> None:
    """Record in the slot that the worker starts `item` of `job` now.

    One copy of the packed bytes, not struct.pack_into, which zeroes the fields before it writes them: a
    reader would then see a start time of 0 (and kill the worker as overdue) if the writer were preempted
    between the two. A copy changes each aligned field from its old value to its new one at once.
    """
    slot[0 : SLOT.size] = SLOT.pack(job, item, time.monotonic(), state)


def read_slot(slot: mmap.mmap) -> tuple[int, int, float, int]:
    """(job, item, started, state) as the worker last wrote them."""
    job, item, started, state = SLOT.unpack_from(slot, 0)
    return job, item, started, state


def recv_exactly(sock: socket.socket, size: int) -> bytes:
    """size bytes from a blocking socket; EOFError if it closes first."""
    chunks = []
    while size:
        chunk = sock.recv(min(size, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def main(spec: str) -> None:
    """The zygote: import the preload modules, then fork one worker per request until the socket closes."""
    config = json.loads(spec)
    sys.path[:] = config["path"]
    # Ctrl-C reaches the whole process group: the process that runs the flow decides what stops, and when
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in config["preload"]:
        try:
            importlib.import_module(name)
        except ImportError:
            # a worker that needs it fails on its job, where the pool reports it
            traceback.print_exc()
    # what is in memory now lives as long as the zygote: forked workers then never write to these objects'
    # pages for the cyclic GC's bookkeeping, so the pages stay shared
    gc.freeze()
    # workers are reaped by the kernel; the pool learns of a death from the worker's socket
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    control = socket.socket(fileno=config["control"])
    while True:
        message, fds, _, _ = socket.recv_fds(control, 1, 2)
        if not message:
            os._exit(0)
        if len(fds) != 2:
            for fd in fds:
                os.close(fd)
            control.sendall(FORK_ANSWER.pack(-1))
            continue
        try:
            pid = os.fork()
        except OSError as exc:
            pid = -(exc.errno or 1)
        if pid == 0:
            control.close()
            _become_worker(*fds)
        for fd in fds:
            os.close(fd)
        control.sendall(FORK_ANSWER.pack(pid))


def _become_worker(sock_fd: int, slot_fd: int) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    code = 0
    try:
        slot = mmap.mmap(slot_fd, SLOT_BYTES)
        os.close(slot_fd)
        serve(socket.socket(fileno=sock_fd), slot)
    except BaseException:  # noqa: BLE001 - the last words of a worker process, then its exit
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _limit_memory(limit_bytes: int) -> None:
    # the data segment: the heap and private mappings, what a page's parse trees grow; the kernel refuses
    # the allocation that would pass it (Linux), which Python and lxml raise as MemoryError
    wanted = limit_bytes if limit_bytes > 0 else resource.RLIM_INFINITY
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if soft != wanted and (hard == resource.RLIM_INFINITY or 0 <= wanted <= hard):
        resource.setrlimit(resource.RLIMIT_DATA, (wanted, hard))


def serve(sock: socket.socket, slot: mmap.mmap) -> None:
    """Run jobs from the socket until it closes: (job id, each, items, context, finish, memory limit) ->
    (job id, "done", (results, finish output)) or (job id, "error", exception)."""
    while True:
        try:
            (size,) = FRAME.unpack(recv_exactly(sock, FRAME.size))
            job_id, each, items, context, finish, memory = pickle.loads(recv_exactly(sock, size))
        except EOFError:
            return
        _limit_memory(memory)
        reply = _run(job_id, each, items, context, finish, slot)
        del items
        # lifted between jobs: reading the next job (its pages) is bounded by its size, not by this limit
        _limit_memory(0)
        try:
            payload = pickle.dumps(reply, pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            payload = pickle.dumps((job_id, "error", RuntimeError(f"unpicklable result: {exc}")))
        write_slot(slot, -1, -1)
        sock.sendall(FRAME.pack(len(payload)) + payload)


def _run(
    job_id: int,
    each: Callable[..., Any],
    items: list[Any],
    context: tuple[Any, ...],
    finish: Callable[..., Any] | None,
    slot: mmap.mmap,
) -> tuple[int, str, Any]:
    step = 0
    results: list[Any] = []
    try:
        for step, item in enumerate(items):
            write_slot(slot, job_id, step)
            results.append(each(item, *context))
        step = len(items)
        write_slot(slot, job_id, step)
        return job_id, "done", (results, finish(results, *context) if finish else None)
    except MemoryError:
        # the item passed the memory limit; what it allocated may stay in this heap, so the worker ends here
        # and the pool, reading the slot, records the item and starts a fresh worker
        results.clear()
        write_slot(slot, job_id, step, OUT_OF_MEMORY)
        sys.stderr.flush()
        os._exit(0)
    except Exception as exc:  # noqa: BLE001 - handed to the pool, which raises it to the job's caller
        return job_id, "error", exc
