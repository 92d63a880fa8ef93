"""Writes grouped while one is under way: each caller learns its own item's fate."""

import asyncio
from collections.abc import Sequence

import pytest

from app.notifications.grouped_writes import GroupedWrites


class Store:
    """Writes that take a turn of the event loop, refusing the items named in `refused`."""

    def __init__(self, refused: set[int] | None = None, fail: bool = False) -> None:
        self.groups: list[list[int]] = []
        self.refused = refused or set()
        self.fail = fail
        self.hold = asyncio.Event()
        self.hold.set()

    async def write(self, items: Sequence[int]) -> set[int]:
        self.groups.append(list(items))
        await self.hold.wait()
        await asyncio.sleep(0)
        if self.fail:
            raise RuntimeError("the database went away")
        return {item for item in items if item not in self.refused}


async def test_items_added_during_a_write_go_together_in_the_next():
    store = Store(refused={4})
    writes = GroupedWrites(store.write, lambda item: item)

    results = await asyncio.gather(*(writes.add(item) for item in range(1, 6)))

    assert store.groups == [[1], [2, 3, 4, 5]]
    assert results == [True, True, True, False, True]


async def test_a_failed_write_fails_its_group_and_the_next_group_is_still_written():
    store = Store()
    writes = GroupedWrites(store.write, lambda item: item)
    store.fail = True
    first = asyncio.create_task(writes.add(1))
    await asyncio.sleep(0)
    store.hold.clear()
    second = asyncio.create_task(writes.add(2))
    await asyncio.sleep(0)
    store.fail = False
    store.hold.set()

    with pytest.raises(RuntimeError, match="went away"):
        await first
    assert await second is True
    assert store.groups == [[1], [2]]


async def test_a_writer_cancelled_mid_write_cancels_the_callers_still_waiting():
    store = Store()
    store.hold.clear()
    writes = GroupedWrites(store.write, lambda item: item)
    writer = asyncio.create_task(writes.add(1))
    await asyncio.sleep(0)
    waiting = asyncio.create_task(writes.add(2))
    await asyncio.sleep(0)

    writer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await writer
    with pytest.raises(asyncio.CancelledError):
        await waiting
    # Nothing is left behind: the next item is written at once, alone.
    store.hold.set()
    assert await writes.add(3) is True
    assert store.groups[-1] == [3]
