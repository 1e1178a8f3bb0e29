"""A pool of worker processes that bounds every item it runs, and outlives the death of any one worker.

A job is a list of items, a function run on each item in a worker (`each`), and a function run once on the
results there (`finish`). Each item has a wall-clock deadline and each worker a memory limit (Limits). When
an item runs past its deadline the pool kills its worker (long C calls, lxml's among them, never see a Python
signal, so a deadline inside the worker would not be enough); when an item passes the memory limit the worker
ends itself; when a worker dies for any reason (the out-of-memory killer, a crash in C), the pool reads from
the worker's slot which item it was on. Either way that item's result is what the caller's `on_lost` makes of
it (a failure row), the job's other items run again in a new worker, and the job's future completes: a job
never fails because of one item, and never waits forever.

One dispatcher thread owns the workers' sockets: it sends jobs (without blocking: a worker stuck in C never
stalls it), reads replies, and wakes at the earliest deadline an item could pass; nothing polls.
"""

import contextlib
import itertools
import json
import mmap
import os
import pickle
import select
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from copydesk.flows.execution.zygote import (
    FORK_ANSWER,
    FORK_REQUEST,
    FRAME,
    OUT_OF_MEMORY,
    SLOT_BYTES,
    read_slot,
    recv_exactly,
    write_slot,
)

R = TypeVar("R")

# jobs a worker holds at once: the one it runs and the next, already in its socket, so that it never waits
# for this process (whose threads share one GIL with the fetching) between two jobs
DEPTH = 2
# how long a fork request may wait for the zygote, whose first answer comes after its imports
ZYGOTE_ANSWER_S = 60.0
# how soon the deadlines are looked at again after a slot was read while its worker wrote it
RECHECK_S = 0.01
# how long a stopping pool waits for its idle workers to exit after their sockets close, before killing them
EXIT_GRACE_S = 2.0
_ZYGOTE_MAIN = "import sys; from copydesk.flows.execution.zygote import main; main(sys.argv[1])"


@dataclass(frozen=True)
class Limits:
    """The bounds of each item of a job: wall-clock seconds, and the worker's data segment in MB (0: none)."""

    item_timeout_s: float
    memory_mb: int = 0


@dataclass(frozen=True)
class Lost:
    """Why an item's work was lost: "timeout", "memory" or "died"; seconds it had run; what happened."""

    reason: str
    seconds: float
    detail: str


@dataclass(frozen=True)
class Done(Generic[R]):
    """A job's outcome: one result per item in order (a lost item's made by on_lost), and what `finish`
    returned over the results of the items a worker completed (None when no worker completed any)."""

    results: list[R]
    extra: Any


class WorkerStartError(RuntimeError):
    """The zygote could not fork a worker."""


class Zygote:
    """The process workers fork from (zygote.main), started on demand, stopped by closing its socket."""

    def __init__(self, preload: Sequence[str] = ()) -> None:
        self.preload = list(preload)
        self._proc: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._lock = threading.Lock()
        self._reaper: threading.Thread | None = None

    def add_preload(self, module: str) -> None:
        """Import module in the zygote too (from its next start)."""
        if module not in self.preload:
            self.preload.append(module)

    @property
    def pid(self) -> int | None:
        """The running zygote's process id."""
        with self._lock:
            return self._proc.pid if self._alive() else None

    def start(self) -> None:
        """Start the zygote now if it is not running; returns at once (its imports go on meanwhile)."""
        with self._lock:
            self._start()

    def _alive(self) -> bool:
        return self._proc is not None and self._control is not None and self._proc.poll() is None

    def _start(self) -> None:
        if self._alive():
            return
        self._close()
        ours, theirs = socket.socketpair()
        spec = json.dumps({"path": sys.path, "preload": self.preload, "control": theirs.fileno()})
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _ZYGOTE_MAIN, spec], pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL
        )
        theirs.close()
        self._control = ours

    def fork(self, sock_fd: int, slot_fd: int) -> int:
        """A new worker serving sock_fd with its slot in slot_fd: its process id."""
        with self._lock:
            for attempt in range(2):
                self._start()
                assert self._control is not None
                try:
                    socket.send_fds(self._control, [FORK_REQUEST], [sock_fd, slot_fd])
                    self._control.settimeout(ZYGOTE_ANSWER_S)
                    (pid,) = FORK_ANSWER.unpack(recv_exactly(self._control, FORK_ANSWER.size))
                except (EOFError, OSError) as exc:
                    # the zygote died (killed, or failed to start): one new one, then give up
                    self._close()
                    if attempt:
                        raise WorkerStartError(f"the worker zygote does not answer: {exc}") from exc
                    continue
                if pid <= 0:
                    raise WorkerStartError(f"the worker zygote could not fork (errno {-pid})")
                return pid
        raise AssertionError("unreachable")

    def stop(self) -> None:
        """Ask the zygote to exit (it does once its socket closes) and reap it in a daemon thread."""
        with self._lock:
            self._close()

    def _close(self) -> None:
        proc, self._proc = self._proc, None
        if self._control is not None:
            self._control.close()
            self._control = None
        if proc is not None:
            self._reaper = threading.Thread(
                target=_reap, args=(proc,), name="copydesk-zygote-stop", daemon=True
            )
            self._reaper.start()

    def wait_stopped(self, timeout_s: float = 10.0) -> None:
        """Block until the last zygote asked to stop has exited (tests)."""
        if self._reaper is not None:
            self._reaper.join(timeout_s)


def _reap(proc: subprocess.Popen) -> None:
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class _Process:
    """A worker process by its id; by a pidfd where there is one (Linux), so that no signal reaches a process
    that got the id of a worker that has exited."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.fd: int | None = None
        with contextlib.suppress(AttributeError, OSError):
            self.fd = os.pidfd_open(pid)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, OSError):
            if self.fd is not None:
                signal.pidfd_send_signal(self.fd, signal.SIGKILL)
            else:
                os.kill(self.pid, signal.SIGKILL)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _wait_exited(processes: list[_Process], timeout_s: float) -> list[_Process]:
    """Wait until these processes have exited or timeout_s passed; those still running."""
    deadline = time.monotonic() + timeout_s
    running = list(processes)
    while running and (left := deadline - time.monotonic()) > 0:
        polled = [p for p in running if p.fd is not None]
        if polled:
            poller = select.poll()
            for p in polled:
                poller.register(p.fd, select.POLLIN)
            exited = {fd for fd, _ in poller.poll(left * 1000)}
            running = [p for p in running if p.fd not in exited]
        else:
            time.sleep(min(0.01, left))
            running = [p for p in running if _exists(p.pid)]
    return running


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _Job:
    """One submit(): its items, what remains to run, and the results so far."""

    def __init__(
        self,
        each: Callable[..., Any],
        items: list[Any],
        context: tuple[Any, ...],
        finish: Callable[..., Any] | None,
        limits: Limits,
        on_lost: Callable[[Any, Lost], Any],
    ) -> None:
        self.each, self.items, self.context, self.finish = each, items, context, finish
        self.limits, self.on_lost = limits, on_lost
        self.future: Future[Done] = Future()
        self.results: list[Any] = [None] * len(items)
        self.remaining = list(range(len(items)))
        self.submission = 0
        self.payload = b""
        self.prepared_for = 0
        self.started = False
        self.whole_losses = 0
        # when it was sent to its worker (no item of it can have started before), and when it became the
        # first job of its worker
        self.sent_at = 0.0
        self.head_since = 0.0

    def prepare(self, submission: int) -> None:
        """Pickle what remains to run as one submission (again only when an item was lost since)."""
        if self.payload and self.prepared_for == len(self.remaining):
            return
        items = (
            self.items if len(self.remaining) == len(self.items) else [self.items[i] for i in self.remaining]
        )
        memory = self.limits.memory_mb * 2**20
        self.submission = submission
        self.prepared_for = len(self.remaining)
        self.payload = pickle.dumps(
            (submission, self.each, items, self.context, self.finish, memory), pickle.HIGHEST_PROTOCOL
        )

    def lose(self, index: int | None, lost: Lost) -> None:
        """Record the item at `index` of the current submission as lost; None (the job's finishing step, or
        no item to blame): the whole submission runs once more, then every item is lost."""
        if index is not None and 0 <= index < len(self.remaining):
            i = self.remaining.pop(index)
            self.results[i] = self.on_lost(self.items[i], lost)
            return
        self.whole_losses += 1
        if self.whole_losses >= 2:
            self.give_up(lost)

    def give_up(self, lost: Lost) -> None:
        """Every item not done yet is lost."""
        for i in self.remaining:
            self.results[i] = self.on_lost(self.items[i], lost)
        self.remaining = []

    def complete(self, results: list[Any], extra: Any) -> None:
        for i, result in zip(self.remaining, results, strict=True):
            self.results[i] = result
        self.remaining = []
        self.future.set_result(Done(self.results, extra))


class _Worker:
    def __init__(self, process: _Process, sock: socket.socket, slot: mmap.mmap) -> None:
        self.process, self.sock, self.slot = process, sock, slot
        self.jobs: deque[_Job] = deque()
        self.outbox: deque[memoryview] = deque()
        self.inbox = bytearray()
        self.completed = 0
        # (submission, item, seconds) of the item this pool killed the worker for
        self.killed_for: tuple[int, int, float] | None = None


class WorkerPool:
    """Up to `size` worker processes forked from `zygote`, each item bounded by its job's Limits."""

    def __init__(self, size: int, zygote: Zygote) -> None:
        self.size = max(1, size)
        self.zygote = zygote
        self._lock = threading.Lock()
        self._queue: deque[_Job] = deque()
        self._closing = False
        self._workers: list[_Worker] = []
        self._pids: list[int] = []
        self._submissions = itertools.count(1)
        self._failed_starts = 0
        self._selector = selectors.DefaultSelector()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self._selector.register(self._wake_r, selectors.EVENT_READ)
        self._buffer = bytearray(1 << 18)
        self._thread: threading.Thread | None = None

    def submit(
        self,
        each: Callable[..., R],
        items: list[Any],
        context: tuple[Any, ...] = (),
        *,
        limits: Limits,
        on_lost: Callable[[Any, Lost], R],
        finish: Callable[..., Any] | None = None,
    ) -> "Future[Done[R]]":
        """Run each(item, *context) for every item, then finish(results, *context), in one worker; an item
        that runs out of time or memory, or whose worker dies, gets on_lost(item, Lost) (called here)."""
        job = _Job(each, items, context, finish, limits, on_lost)
        if not items:
            job.future.set_result(Done([], None))
            return job.future
        job.prepare(next(self._submissions))
        with self._lock:
            if self._closing:
                raise RuntimeError("the worker pool is shut down")
            self._queue.append(job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="copydesk-workers", daemon=True)
                self._thread.start()
        self._wake()
        return job.future

    def pids(self) -> list[int]:
        """Process ids of the running workers (tests)."""
        with self._lock:
            return list(self._pids)

    def shutdown(self) -> None:
        """Stop the workers; work not done yet fails with RuntimeError. Returns once they have exited."""
        with self._lock:
            self._closing = True
            thread = self._thread
        self._wake()
        if thread is not None:
            thread.join()
        else:
            self._close_selector()

    def _wake(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            os.write(self._wake_w, b"x")

    def _run(self) -> None:
        try:
            while True:
                with self._lock:
                    if self._closing:
                        break
                self._dispatch()
                timeout = self._check_deadlines()
                for key, events in self._selector.select(timeout):
                    if key.fileobj == self._wake_r:
                        with contextlib.suppress(BlockingIOError):
                            os.read(self._wake_r, 4096)
                        continue
                    worker: _Worker = key.data
                    if events & selectors.EVENT_READ:
                        self._read(worker)
                    if events & selectors.EVENT_WRITE and worker in self._workers:
                        self._write(worker)
        finally:
            self._stop_all()

    # dispatching

    def _dispatch(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    return
                job = self._queue[0]
                if not job.started and not job.future.set_running_or_notify_cancel():
                    self._queue.popleft()
                    continue
                job.started = True
            worker = self._free_worker()
            if worker is None:
                return
            with self._lock:
                self._queue.popleft()
            job.sent_at = time.monotonic()
            if not worker.jobs:
                job.head_since = job.sent_at
            worker.jobs.append(job)
            worker.outbox.extend((memoryview(FRAME.pack(len(job.payload))), memoryview(job.payload)))
            self._write(worker)

    def _free_worker(self) -> "_Worker | None":
        idle = [w for w in self._workers if not w.jobs and w.killed_for is None]
        if idle:
            return idle[0]
        if len(self._workers) < self.size:
            started = self._start_worker()
            if started is not None:
                return started
        waiting = [w for w in self._workers if len(w.jobs) < DEPTH and w.killed_for is None]
        return min(waiting, key=lambda w: len(w.jobs)) if waiting else None

    def _start_worker(self) -> "_Worker | None":
        ours, theirs = socket.socketpair()
        with tempfile.TemporaryFile() as slot_file:
            slot_file.truncate(SLOT_BYTES)
            slot = mmap.mmap(slot_file.fileno(), SLOT_BYTES)
            write_slot(slot, -1, -1)
            try:
                pid = self.zygote.fork(theirs.fileno(), slot_file.fileno())
            except WorkerStartError as exc:
                ours.close()
                slot.close()
                self._give_up(f"no worker process could be started: {exc}")
                return None
            finally:
                theirs.close()
        ours.setblocking(False)
        worker = _Worker(_Process(pid), ours, slot)
        self._workers.append(worker)
        self._selector.register(ours, selectors.EVENT_READ, worker)
        with self._lock:
            self._pids.append(pid)
        return worker

    def _write(self, worker: _Worker) -> None:
        try:
            while worker.outbox:
                view = worker.outbox[0]
                sent = worker.sock.send(view)
                if sent < len(view):
                    worker.outbox[0] = view[sent:]
                    break
                worker.outbox.popleft()
        except BlockingIOError:
            pass
        except OSError:
            # the worker is gone; its socket's end of file tells the rest
            worker.outbox.clear()
        wanted = selectors.EVENT_READ | (selectors.EVENT_WRITE if worker.outbox else 0)
        if self._selector.get_key(worker.sock).events != wanted:
            self._selector.modify(worker.sock, wanted, worker)

    # replies and deaths

    def _read(self, worker: _Worker) -> None:
        try:
            count = worker.sock.recv_into(self._buffer)
        except BlockingIOError:
            return
        except OSError:
            count = 0
        if count == 0:
            self._lose_worker(worker)
            return
        worker.inbox += memoryview(self._buffer)[:count]
        while len(worker.inbox) >= FRAME.size:
            (size,) = FRAME.unpack_from(worker.inbox)
            if len(worker.inbox) < FRAME.size + size:
                break
            payload = bytes(worker.inbox[FRAME.size : FRAME.size + size])
            del worker.inbox[: FRAME.size + size]
            self._reply(worker, payload)

    def _reply(self, worker: _Worker, payload: bytes) -> None:
        job = worker.jobs.popleft()
        if worker.jobs:
            worker.jobs[0].head_since = time.monotonic()
        worker.completed += 1
        self._failed_starts = 0
        try:
            submission, status, value = pickle.loads(payload)
        except Exception as exc:  # noqa: BLE001 - a reply this process cannot read fails its job, not the pool
            submission, status, value = job.submission, "error", RuntimeError(f"unreadable reply: {exc!r}")
        if submission != job.submission:
            value = RuntimeError(f"reply to job {submission} where job {job.submission} was expected")
            status = "error"
        if status == "done":
            job.complete(*value)
        else:
            job.future.set_exception(value)

    def _lose_worker(self, worker: _Worker) -> None:
        """The worker's socket closed: it exited or was killed. Blame the item it was on, requeue the rest."""
        self._selector.unregister(worker.sock)
        worker.sock.close()
        self._workers.remove(worker)
        with self._lock:
            self._pids.remove(worker.process.pid)
        submission, item, started, state = read_slot(worker.slot)
        worker.slot.close()
        worker.process.close()
        jobs = list(worker.jobs)
        requeue: list[_Job] = []
        if jobs:
            first = jobs[0]
            seconds = time.monotonic() - max(started, first.sent_at)
            if worker.killed_for is not None and worker.killed_for[0] == first.submission:
                _, item, seconds = worker.killed_for
                limit = first.limits.item_timeout_s
                first.lose(
                    item, Lost("timeout", seconds, f"still running after {limit:g} s; its worker killed")
                )
            elif submission == first.submission and state == OUT_OF_MEMORY:
                limit_mb = first.limits.memory_mb
                first.lose(item, Lost("memory", seconds, f"passed the worker's {limit_mb} MB memory limit"))
            elif submission == first.submission and item >= 0:
                first.lose(item, Lost("died", seconds, "its worker process died (killed, or crashed)"))
            else:
                # it never started: nothing to blame
                self._failed_starts += worker.completed == 0
            requeue = [job for job in jobs if job.remaining]
            for job in jobs:
                if not job.remaining and not job.future.done():
                    job.future.set_result(Done(job.results, None))
        for job in requeue:
            job.prepare(next(self._submissions))
        with self._lock:
            self._queue.extendleft(reversed(requeue))
        if self._failed_starts > 2 * self.size + 2:
            self._give_up("worker processes keep exiting before they start work")

    def _give_up(self, why: str) -> None:
        """No worker can run anything now: every queued job fails with WorkerStartError (a broken
        environment fails the run; it is no page's fault). A later submit tries again."""
        self._failed_starts = 0
        with self._lock:
            jobs, self._queue = list(self._queue), deque()
        for job in jobs:
            if not job.future.done():
                job.future.set_exception(WorkerStartError(why))

    # deadlines

    def _check_deadlines(self) -> float | None:
        """Kill the workers whose item is past its deadline; seconds until the next deadline could pass."""
        now = time.monotonic()
        soon = now + RECHECK_S
        wake: float | None = None
        for worker in self._workers:
            if not worker.jobs or worker.killed_for is not None:
                continue
            job = worker.jobs[0]
            limit = job.limits.item_timeout_s
            submission, item, started, _ = read_slot(worker.slot)
            running = submission == job.submission and item >= 0
            if running and started < job.sent_at:
                # not a time this item can have started at: a read during the worker's write; look again
                wake = soon if wake is None else min(wake, soon)
                continue
            deadline = (started if running else job.head_since) + limit
            if now < deadline:
                wake = deadline if wake is None else min(wake, deadline)
                continue
            if running and read_slot(worker.slot)[:3] != (submission, item, started):
                wake = soon if wake is None else min(wake, soon)  # it moved on just now: look again
                continue
            # running: that item overran; not running: the worker never took the job up (it is requeued)
            worker.killed_for = (job.submission, item, now - started) if running else (-1, -1, 0.0)
            worker.process.kill()
        return None if wake is None else max(0.0, wake - now)

    # stopping

    def _stop_all(self) -> None:
        with self._lock:
            queued, self._queue = list(self._queue), deque()
        stopped = RuntimeError("the worker pool was shut down")
        for job in queued + [job for w in self._workers for job in w.jobs]:
            if not job.future.done() and job.future.running():
                job.future.set_exception(stopped)
            elif not job.future.done():
                job.future.cancel()
        processes = []
        for worker in self._workers:
            if worker.jobs:
                worker.process.kill()
            worker.sock.close()
            worker.slot.close()
            processes.append(worker.process)
        self._workers.clear()
        with self._lock:
            self._pids.clear()
        for process in _wait_exited(processes, EXIT_GRACE_S):
            process.kill()
        for process in processes:
            process.close()
        self._close_selector()

    def _close_selector(self) -> None:
        self._selector.close()
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)
