"""Give memory freed while loading back to the operating system.

Building the screen's automaton (:mod:`pipeline.rules.screen`) allocates an intermediate
automaton of some 15 MiB inside the Rust library and frees it once the final one is
built. glibc's ``malloc`` keeps freed memory that is not at the top of its heap, so
without a trim a run carries those pages to its end: 8 to 9 MiB of a `clean` run's peak
RSS of about 95 MiB (``benchmarks/throughput.py``). ``malloc_trim(0)`` returns them.

Only glibc has ``malloc_trim``; elsewhere (musl, macOS, Windows) this does nothing. It
never changes a result, only the process's resident size.
"""

from __future__ import annotations

import functools
from collections.abc import Callable


@functools.lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        import ctypes  # only here: most imports of the package never load rules

        return getattr(ctypes.CDLL(None), "malloc_trim", None)
    except (ImportError, OSError):
        return None


def release_freed_memory() -> bool:
    """Return the heap's free pages to the operating system, where the C library can;
    whether it could."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
