"""run_sync: a coroutine's result comes back without asyncio.run rendering it."""

import threading

import pytest

from copydesk.tasks.aio import run_sync


class ReprCounter:
    """A result that counts how often repr() renders it (a big result's repr is what costs)."""

    def __init__(self) -> None:
        self.reprs = 0

    def __repr__(self) -> str:
        self.reprs += 1
        return "ReprCounter()"


async def give(value: object) -> object:
    return value


def test_run_sync_returns_the_result_without_rendering_it_in_the_main_thread() -> None:
    assert threading.current_thread() is threading.main_thread()
    result = ReprCounter()
    assert run_sync(give(result)) is result
    assert result.reprs == 0


def test_run_sync_raises_what_the_coroutine_raises() -> None:
    async def fail() -> None:
        raise ValueError("bad feed")

    with pytest.raises(ValueError, match="bad feed"):
        run_sync(fail())
