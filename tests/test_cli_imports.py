"""How the CLI imports a command's flow (flows/execution): without the cyclic GC, then with what is in memory
frozen."""

import gc

import pytest

from copydesk.flows.execution import frozen_imports


def test_flow_imports_turn_the_gc_back_on_and_freeze_what_was_imported() -> None:
    before = gc.get_freeze_count()
    try:
        with frozen_imports():
            assert not gc.isenabled()
            imported = [[n] for n in range(1000)]  # stands for a module's objects
        assert gc.isenabled()
        assert gc.get_freeze_count() >= before + len(imported)
        with pytest.raises(ImportError), frozen_imports():
            raise ImportError("a flow that does not import")
        assert gc.isenabled()  # a failed import leaves the GC on too
    finally:
        gc.unfreeze()
