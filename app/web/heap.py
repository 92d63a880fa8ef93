"""An API worker's cycle collector, set for a server whose heap is large and long-lived.

CPython's cycle collector walks every tracked object of the generation it collects. A worker
holds about 234,000 of them once started (modules, functions, FastAPI's routes and pydantic's
schemas), all of which live as long as the process; in the sale bench a full collection ran
9-10 times a run per worker, 200-280 ms each, while every request on that worker waited (the
multi-shop p99 was those pauses). And with 16 requests in flight, their short-lived objects
crossed the youngest generation's threshold of 700 about 2,000 times a bench run, though
reference counting frees nearly all of them and few are garbage.

So once the worker has started, `settle()` freezes what exists (`gc.freeze`: out of the
collector's reach for good) and collects the youngest generation after 10,000 net new objects
instead of 700. Cycles are still found, only later: a few MB at most. Measured in the
sale bench (issue 20), per worker and run: collections about 2,000 -> 11-22, full ones 9-10 of
200-280 ms -> none after start-up; multi-shop p99 272 -> 122 ms.
"""

import gc

YOUNGEST_THRESHOLD = 10_000


def settle() -> None:
    """Collect once, freeze the survivors, and raise the youngest generation's threshold."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNGEST_THRESHOLD, middle, oldest)
