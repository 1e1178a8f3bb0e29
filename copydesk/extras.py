"""Optional features and the extras that install them (pyproject's [project.optional-dependencies]).

A setting that asks for a feature whose extra is not installed is a configuration error like a bad outlets
file: one message that says what to install, and exit 2, not an ImportError traceback from deep inside.
"""

import importlib
import sys
from types import ModuleType


class MissingExtraError(SystemExit):
    """A feature was asked for without its extra installed; exits the process with status 2."""

    def __init__(self, message: str) -> None:
        super().__init__(2)
        self.message = message


def import_extra(module: str, extra: str, asked_by: str) -> ModuleType:
    """Import `module`, which the extra `extra` installs; `asked_by` names the setting that wants it.

    Without it, the message naming `pip install 'copydesk[<extra>]'` goes to stderr and MissingExtraError
    (a SystemExit with status 2) is raised.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        message = (
            f"copydesk: {asked_by} needs the '{extra}' extra, which is not installed ({exc}): "
            f"pip install 'copydesk[{extra}]'"
        )
        print(message, file=sys.stderr)
        raise MissingExtraError(message) from None
