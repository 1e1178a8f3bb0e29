"""Regenerate the fixture news web under tests/sites from the story sources in tests/sites/src.

Run `python tests/sites/build.py` after editing a source; the output is committed, so tests never run this.
The generator is bench.synweb (bench/synweb/fixtures.py holds these outlets' templates): deterministic, so
a second run rewrites nothing.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.synweb import fixtures  # noqa: E402

if __name__ == "__main__":
    changed = fixtures.render().write(fixtures.ROOT, fixtures.OUTLET_DIRS)
    print("\n".join(changed) if changed else "up to date", file=sys.stderr)
