"""PgQueuer on the same cluster as our queue, for bench/queue.sh.

Mirrors PgQueuer's own tools/benchmark.py: `throughput` runs batched producers and consumers together for a fixed
time and counts jobs handled; `drain` enqueues N jobs and times the consumers emptying the queue. Connection from
the libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE). Prints one line: `<strategy> <jobs/s>`.
"""
import asyncio
import sys
import time
from itertools import count

import asyncpg
from pgqueuer import PgQueuer, types
from pgqueuer.db import AsyncpgDriver
from pgqueuer.models import Job
from pgqueuer.queries import Queries

try:
    import uvloop
except ImportError:  # uvloop is optional; PgQueuer's own benchmark uses it when present
    uvloop = None


async def consumer(handled: list[int], batch: int, mode: types.QueueExecutionMode) -> PgQueuer:
    connection = await asyncpg.connect()
    pgq = PgQueuer(AsyncpgDriver(connection))

    @pgq.entrypoint("fetch")
    async def fetch(job: Job) -> None:
        handled[0] += 1

    return pgq


async def produce(stop: asyncio.Event, batch: int, counter: count) -> None:
    queries = Queries(AsyncpgDriver(await asyncpg.connect()))
    while not stop.is_set():
        await queries.enqueue(["fetch"] * batch, [str(next(counter)).encode() for _ in range(batch)], [0] * batch)
        await asyncio.sleep(0)


async def throughput(seconds: float, producers: int, producer_batch: int, consumers: int, consumer_batch: int) -> float:
    queries = Queries(AsyncpgDriver(await asyncpg.connect()))
    await queries.clear_queue()
    handled = [0]
    stop = asyncio.Event()
    pgqs = [await consumer(handled, consumer_batch, types.QueueExecutionMode.continuous) for _ in range(consumers)]
    runs = [asyncio.ensure_future(p.run(batch_size=consumer_batch)) for p in pgqs]
    counter = count()
    makers = [asyncio.ensure_future(produce(stop, producer_batch, counter)) for _ in range(producers)]
    started = time.monotonic()
    await asyncio.sleep(seconds)
    done = handled[0]
    elapsed = time.monotonic() - started
    stop.set()
    for p in pgqs:
        p.shutdown.set()
    await asyncio.wait(makers + runs, timeout=10)
    await queries.clear_queue()
    return done / elapsed


async def drain(jobs: int, consumers: int, consumer_batch: int) -> float:
    queries = Queries(AsyncpgDriver(await asyncpg.connect()))
    await queries.clear_queue()
    for start in range(0, jobs, 10_000):
        size = min(10_000, jobs - start)
        await queries.enqueue(["fetch"] * size, [b"" for _ in range(size)], [0] * size)
    handled = [0]
    pgqs = [await consumer(handled, consumer_batch, types.QueueExecutionMode.drain) for _ in range(consumers)]
    started = time.monotonic()
    await asyncio.gather(*(p.run(batch_size=consumer_batch, mode=types.QueueExecutionMode.drain) for p in pgqs))
    return handled[0] / (time.monotonic() - started)


def main() -> None:
    strategy = sys.argv[1]
    if uvloop is not None:
        uvloop.install()
    if strategy == "throughput":
        rate = asyncio.run(throughput(float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])))
    else:
        rate = asyncio.run(drain(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
    print(f"{strategy} {rate:.0f}")


if __name__ == "__main__":
    main()
