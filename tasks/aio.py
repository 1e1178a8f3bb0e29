"""Running a coroutine to completion from synchronous code."""

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """asyncio.run(coro), without a full repr() of the result.

    In the main thread, Python 3.11's asyncio.run checks on its way out that its SIGINT handler is still the
    one it installed. `signal.getsignal` formats an error message with the handler's repr: a partial that
    holds the main task, whose repr includes the task's result, which reprlib renders by calling repr() on it
    in full. For a discovery's thousands of links that was about half the call (bench/results/throughput.md),
    and a batch's pages would cost more. Here the task's result is None and the value travels beside it.
    """
    result: list[T] = []

    async def keep_result() -> None:
        result.append(await coro)

    asyncio.run(keep_result())
    return result[0]
