"""Settings: read from COPYDESK_ variables, one shared (frozen) instance per environment and overrides."""

from pathlib import Path

import pydantic
import pytest

from copydesk.tasks.settings import get_settings


def test_one_instance_per_environment_and_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COPYDESK_LAKE", raising=False)
    first = get_settings(warehouse=Path("wh"))
    assert get_settings(warehouse=Path("wh")) is first
    assert get_settings(warehouse=Path("other")).warehouse == Path("other")
    assert first.lake is None

    # a changed variable is read: the cache is keyed on the COPYDESK_ environment, not built once
    monkeypatch.setenv("COPYDESK_LAKE", "s3://bucket/lake")
    changed = get_settings(warehouse=Path("wh"))
    assert changed is not first
    assert changed.lake == "s3://bucket/lake"
    monkeypatch.setenv("COPYDESK_BATCH_SIZE", "64")
    assert get_settings().batch_size == 64


def test_shared_settings_cannot_be_changed_in_place() -> None:
    settings = get_settings()
    with pytest.raises(pydantic.ValidationError):
        settings.batch_size = 1  # type: ignore[misc]


def test_an_unhashable_override_gets_the_validation_error_not_a_cache_error() -> None:
    # lru_cache would raise TypeError("unhashable type"); the override is validated like any other
    with pytest.raises(pydantic.ValidationError, match="batch_size"):
        get_settings(batch_size=[256])
