"""Progress bars: one per stage in the terminal; the steps inside an annotation batch stay silent.

The annotation engine shows the articles/s and ETA of the whole run; bars that a step inside a batch would
draw (encoding, scoring) would interleave with it, so the engine switches them off for the batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

_inner_bars_off = False


def inner_bars_off() -> bool:
    """Whether bars of steps inside an annotation batch are switched off now."""
    return _inner_bars_off


@contextmanager
def silent_inner_bars() -> Iterator[None]:
    """Switch the inner bars off in this process for the duration (threads included)."""
    global _inner_bars_off
    before, _inner_bars_off = _inner_bars_off, True
    try:
        yield
    finally:
        _inner_bars_off = before
