"""Process-level tuning for a long-running server (`python wsgi.py`).

Measured in tests/bench/live_fanout.py (docs/BENCHMARKS.md): with hundreds
of sockets, full garbage collections of the ~110 MB heap took 100-130 ms
about every 10 s, and a broadcast caught by one arrived late for everyone,
which is the whole p99. So the objects alive after start-up (the app, its
modules, SQLAlchemy's mappings) are frozen out of the collector's scans,
young collections run every 50,000 allocations instead of 700 (a fan-out
to 500 sockets allocates that many in milliseconds, and each young
collection promotes survivors toward a full one), and the oldest
generation is collected ten times less often. Memory freed by reference
counting, which is nearly all of it, is unaffected; only garbage in
reference cycles waits a little longer.

Measured at 500 clients (docs/BENCHMARKS.md): p99 207 ms with Python's
defaults, 111 ms with the freeze and (700, 10, 100), 48 ms with
(50_000, 20, 100).
"""

from __future__ import annotations

import gc

# gen0 every 50,000 allocations; gen1 every 20 gen0; gen2 every 100 gen1.
GC_THRESHOLDS = (50_000, 20, 100)


def tune_gc() -> None:
    """Freeze the start-up heap and make full collections rarer; call once, last."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
