"""Heavy imports without the cyclic GC, then with what they left in memory frozen (gc.freeze)."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def frozen_imports() -> Iterator[None]:
    """Import a command's flow without the cyclic GC, then freeze what is in memory.

    Prefect, pydantic and pyarrow leave a great many objects that live as long as the process: collections
    during their import walk only those, and every full collection after it would walk them all again.
    Frozen objects are still freed by reference counting; only cycles among them would stay.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
