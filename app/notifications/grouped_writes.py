"""Writes that arrive while one is under way go together in the next one.

The dispatcher records each message's outcome as soon as its send finishes. Recorded one
transaction each, the outcomes of a busy outbox cost a transaction and a commit per message,
a large share of an API worker's CPU under a sales load (issue 20). A `GroupedWrites` writes
the first item at once and gathers the items that finish meanwhile into the next write, like
PostgreSQL's group commit: an idle outbox still records every outcome immediately, a busy
one in a few transactions a round. Each caller returns only when its own item is written
(or its write failed), so nothing is reported before it is durable.
"""

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Key = TypeVar("Key", bound=Hashable)


class GroupedWrites(Generic[Item, Key]):
    """`write(items)` writes a group and returns the keys of the items it recorded; `key(item)`
    names an item among them."""

    def __init__(
        self,
        write: Callable[[Sequence[Item]], Awaitable[set[Key]]],
        key: Callable[[Item], Key],
    ) -> None:
        self._write = write
        self._key = key
        self._waiting: list[tuple[Item, asyncio.Future[bool]]] = []
        self._writing = False

    async def add(self, item: Item) -> bool:
        """Write `item` with whatever else is waiting; whether it was recorded.

        The first caller to find no write under way does the writing, group after group,
        until nothing waits; the others wait for their group. A failed write fails its
        group's callers with its error; a writer cancelled mid-write cancels every caller
        still waiting (their items stay unrecorded, as after a crash).
        """
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, done))
        if not self._writing:
            self._writing = True
            try:
                await self._write_all()
            finally:
                self._writing = False
        return await done

    async def _write_all(self) -> None:
        group: list[tuple[Item, asyncio.Future[bool]]] = []
        try:
            while self._waiting:
                group, self._waiting = self._waiting, []
                try:
                    recorded = await self._write([item for item, _ in group])
                except Exception as error:
                    for _, done in group:
                        done.set_exception(error)
                else:
                    for item, done in group:
                        done.set_result(self._key(item) in recorded)
                group = []
        except BaseException:
            for _, done in group + self._waiting:
                done.cancel()
            self._waiting = []
            raise
