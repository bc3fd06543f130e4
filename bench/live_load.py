"""Live-updates latency for bench/live.sh: commit-to-WebSocket-client at a steady append rate.

`clients` mode: opens N WebSocket connections to the control plane (API key, topic `dashboard`, batched frames), waits for their
`subscribed` frames, writes `ready` to stdout, then records the wall-clock receive time of every event frame
(`seq` read from the frame) until told to stop (stdin closes); writes `<seq> <time>` lines to --out.

`append` mode: appends single events (one transaction each, as EventStore.append does) at --rate per second for
--seconds over several connections, and writes `<seq> <commit time>` lines to --out, the time taken when COMMIT
returned.

`report` mode: joins the two and prints p50/p99/max and the delivered share.

Connection for `append`: the libpq-style URL in GLAVITO_DATABASE_URL (the application role, tenant bound).
"""
import argparse
import asyncio
import json
import random
import sys
import time


async def clients(args) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    received: list[tuple[int, float]] = []
    sockets = []

    async def one(ready: asyncio.Event, opened: list[int]) -> None:
        async with connect(f"ws://{args.host}/api/v1/live", host="127.0.0.1", port=args.port, max_size=2**20,
                           additional_headers={"Authorization": f"Bearer {args.key}"}, max_queue=None) as ws:
            await ws.send(json.dumps({"type": "subscribe", "topics": ["dashboard"], "batch": True}))
            first = json.loads(await ws.recv())
            assert first["type"] == "subscribed", first
            sockets.append(ws)
            opened[0] += 1
            if opened[0] == args.count:
                ready.set()
            marker = "ticket/bench-"
            try:
                async for message in ws:
                    now = time.time()
                    # A batched frame holds one or more events; the dashboard topic carries no data, so each
                    # event's stream name holds the sequence (ticket/bench-<seq>).
                    start = message.find(marker)
                    while start >= 0:
                        start += len(marker)
                        end = message.find('"', start)
                        received.append((int(message[start:end]), now))
                        start = message.find(marker, end)
            except ConnectionClosed:
                pass

    ready, opened = asyncio.Event(), [0]
    tasks = [asyncio.create_task(one(ready, opened)) for _ in range(args.count)]
    await asyncio.wait_for(ready.wait(), 60)
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.read)
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    await asyncio.gather(*tasks, return_exceptions=True)
    with open(args.out, "w") as out:
        out.writelines(f"{seq} {t:.6f}\n" for seq, t in received)


async def clients_picows(args) -> None:
    """`clients` with --impl picows: the same measurement through picows (a Cython WebSocket client), whose frames
    cost the client a fraction of what `websockets` needs, so that 100 clients leave more of the shared cores to
    the server under test."""
    from picows import WSListener, WSMsgType, ws_connect

    received: list[tuple[int, float]] = []
    transports = []
    ready, opened = asyncio.Event(), [0]
    marker = b"ticket/bench-"
    subscribe = json.dumps({"type": "subscribe", "topics": ["dashboard"], "batch": True}).encode()

    class Listener(WSListener):
        subscribed = False

        def on_ws_connected(self, transport) -> None:
            transport.send(WSMsgType.TEXT, subscribe)

        def on_ws_frame(self, transport, frame) -> None:
            if frame.msg_type == WSMsgType.CLOSE:
                transport.disconnect()
                return
            if frame.msg_type != WSMsgType.TEXT:
                return
            now = time.time()
            payload = frame.get_payload_as_bytes()
            if not self.subscribed:
                first = json.loads(payload)
                assert first["type"] == "subscribed", first
                self.subscribed = True
                opened[0] += 1
                if opened[0] == args.count:
                    ready.set()
                return
            start = payload.find(marker)
            while start >= 0:
                start += len(marker)
                end = payload.find(b'"', start)
                received.append((int(payload[start:end]), now))
                start = payload.find(marker, end)

    for _ in range(args.count):
        transport, _listener = await ws_connect(
            Listener, f"ws://127.0.0.1:{args.port}/api/v1/live",
            extra_headers={"Host": args.host, "Authorization": f"Bearer {args.key}"}, max_frame_size=2**20)
        transports.append(transport)
    await asyncio.wait_for(ready.wait(), 60)
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.read)
    for transport in transports:
        transport.send_close()
        transport.disconnect()
    with open(args.out, "w") as out:
        out.writelines(f"{seq} {t:.6f}\n" for seq, t in received)


async def append(args) -> None:
    import asyncpg

    tenant = args.tenant
    committed: list[tuple[int, float]] = []
    interval = 1.0 / args.rate
    total = int(args.rate * args.seconds)
    start = time.perf_counter() + 0.2
    offset = time.time() - time.perf_counter()

    async def writer(index: int, connection) -> None:
        for seq in range(index, total, args.connections):
            due = start + seq * interval
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            stream = f"ticket/bench-{seq}"
            async with connection.transaction():
                await connection.execute("SELECT glavito_bind_tenant($1)", tenant)
                head = await connection.fetchrow(
                    "UPDATE event_partitions SET head = head + 1 WHERE partition = glavito_event_partition($1, $2) "
                    "RETURNING partition, head", tenant, stream)
                await connection.execute(
                    "INSERT INTO events (tenant_id, stream, version, partition, position, type, data) "
                    "VALUES ($1, $2, 1, $3, $4, 'ticket.created', $5::jsonb)",
                    tenant, stream, head["partition"], head["head"], json.dumps({"seq": seq, "team_id": "bench"}))
            committed.append((seq, time.perf_counter() + offset))

    connections = [await asyncpg.connect(args.dsn, server_settings={"synchronous_commit": "off"}) for _ in range(args.connections)]
    began = time.perf_counter()
    await asyncio.gather(*(writer(i, c) for i, c in enumerate(connections)))
    elapsed = time.perf_counter() - began
    for connection in connections:
        await connection.close()
    with open(args.out, "w") as out:
        out.writelines(f"{seq} {t:.6f}\n" for seq, t in committed)
    print(f"appended {total} events in {elapsed:.2f} s ({total / elapsed:.0f}/s)", flush=True)


async def key(args) -> None:
    """Creates an API key with analytics.view for the tenant and prints it."""
    import asyncpg
    import hashlib
    import secrets

    prefix = secrets.token_hex(4)
    text = f"glv_{prefix}_{secrets.token_urlsafe(24)}"
    connection = await asyncpg.connect(args.dsn)
    async with connection.transaction():
        await connection.execute("SELECT glavito_bind_tenant($1)", args.tenant)
        await connection.execute(
            "INSERT INTO api_keys (tenant_id, name, prefix, secret_hash, scopes) VALUES ($1, 'bench', $2, $3, $4)",
            args.tenant, prefix, hashlib.sha256(text.encode()).digest(), ["analytics.view"])
    await connection.close()
    print(text)


def report(args) -> None:
    commits = {}
    with open(args.commits) as f:
        for line in f:
            seq, t = line.split()
            commits[int(seq)] = float(t)
    latencies = []
    with open(args.received) as f:
        for line in f:
            seq, t = line.split()
            if int(seq) in commits and int(seq) >= args.warmup:
                latencies.append((float(t) - commits[int(seq)]) * 1000)
    latencies.sort()
    expected = (len(commits) - args.warmup) * args.clients
    if not latencies:
        print("no deliveries measured")
        return

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]

    print(f"deliveries measured: {len(latencies)} of {expected} expected ({100 * len(latencies) / max(1, expected):.1f} %)")
    print(f"commit-to-client latency: p50 {pct(50):.1f} ms, p90 {pct(90):.1f} ms, p99 {pct(99):.1f} ms, "
          f"max {latencies[-1]:.1f} ms (target: p99 < 50 ms)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["clients", "append", "key", "report"])
    parser.add_argument("--port", type=int)
    parser.add_argument("--impl", choices=["websockets", "picows"], default="websockets")
    parser.add_argument("--host")
    parser.add_argument("--key")
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--out")
    parser.add_argument("--dsn")
    parser.add_argument("--tenant")
    parser.add_argument("--rate", type=float, default=1000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--commits")
    parser.add_argument("--received")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=1000)
    args = parser.parse_args()
    if args.mode == "clients":
        asyncio.run(clients_picows(args) if args.impl == "picows" else clients(args))
    elif args.mode == "append":
        asyncio.run(append(args))
    elif args.mode == "key":
        asyncio.run(key(args))
    else:
        report(args)


if __name__ == "__main__":
    main()
