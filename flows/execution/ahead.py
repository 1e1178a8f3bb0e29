"""A call started ahead, in a forked child, whose answer the caller takes later or drops.

A fork, because the child then starts with this process's imports instead of redoing them; and only from a
single-threaded process, where forking is safe: the CLI starts one before Prefect starts its threads.
"""

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any


class AheadFailed(RuntimeError):
    """The call started ahead raised, or its child ended without an answer."""


class Ahead:
    """A call running in a forked child; take() its answer once."""

    def __init__(self, child: BaseProcess, answer: Connection) -> None:
        self._child = child
        self._answer = answer

    @classmethod
    def start(cls, fn: Callable[..., Any], *args: Any, nice: int = 10, name: str = "ahead") -> "Ahead | None":
        """fn(*args) in a forked child at lower priority, started now; None if this process has threads."""
        if threading.active_count() > 1:
            return None
        answer, send = multiprocessing.Pipe(duplex=False)
        child = multiprocessing.get_context("fork").Process(
            target=_answer, args=(send, nice, fn, args), name=name, daemon=True
        )
        child.start()
        send.close()
        return cls(child, answer)

    def ready(self, timeout_s: float) -> bool:
        """Wait until the answer is there (without taking it) or timeout_s passed; False: not in time."""
        try:
            return bool(multiprocessing.connection.wait([self._answer], timeout_s))
        except (OSError, ValueError):
            # taken (and closed) meanwhile
            return False

    def take(self) -> Any:
        """The call's result, waiting for it if needed; AheadFailed if it raised or gave none."""
        try:
            status, value = self._answer.recv()
        except (EOFError, OSError):
            status, value = "error", "the child process ended without an answer"
        self.stop()
        if status != "ok":
            raise AheadFailed(value)
        return value

    def stop(self) -> None:
        """Drop the answer and end the child."""
        self._answer.close()
        self._child.join(timeout=1)
        if self._child.is_alive():
            self._child.kill()
            self._child.join()


def _answer(send: Connection, nice: int, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    os.nice(nice)
    reply: tuple[str, Any]
    try:
        reply = ("ok", fn(*args))
    except Exception as exc:  # noqa: BLE001 - the caller does the work itself instead
        reply = ("error", f"{type(exc).__name__}: {exc}")
    # a caller that dropped the answer has stopped listening
    with contextlib.suppress(OSError):
        send.send(reply)
    send.close()
