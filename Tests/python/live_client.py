"""A live-updates client for the Swift tests, built on the `websockets` package (pinned in Tests/requirements.txt).

Connects to ws://<host>/api/v1/live through 127.0.0.1:<port> (so the Host header names the tenant), sends one
subscribe message, and prints every message it receives as one line of JSON, flushed at once; when the server
closes, prints {"type":"closed","code":…,"reason":…}. Exits after --count event frames, or after --seconds.
A refused upgrade prints {"type":"refused","status":…} and exits 0.
"""
import argparse
import asyncio
import json
import sys

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", required=True, help="tenant host, e.g. acme.localhost:8080")
    parser.add_argument("--cookie")
    parser.add_argument("--bearer")
    parser.add_argument("--origin")
    parser.add_argument("--topics", default="inbox")
    parser.add_argument("--after")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--batch", action="store_true", help="subscribe with batch: true; each events frame is printed as "
                        "{\"type\":\"frame\",\"events\":n,\"cursor\":…} followed by its events, one line each "
                        "(as event frames without a cursor of their own)")
    parser.add_argument("--sse", action="store_true", help="use /api/v1/live/sse instead (after goes in Last-Event-ID)")
    args = parser.parse_args()
    if args.sse:
        await asyncio.to_thread(sse, args)
        return

    headers = {}
    if args.cookie:
        headers["Cookie"] = args.cookie
    if args.bearer:
        headers["Authorization"] = f"Bearer {args.bearer}"
    request = {"type": "subscribe", "topics": [t for t in args.topics.split(",") if t]}
    if args.after:
        request["after"] = args.after
    if args.batch:
        request["batch"] = True
    events = 0
    try:
        async with asyncio.timeout(args.seconds):
            async with connect(f"ws://{args.host}/api/v1/live", host="127.0.0.1", port=args.port,
                               additional_headers=headers, origin=args.origin, max_size=2**20) as ws:
                try:
                    await ws.send(json.dumps(request))
                except ConnectionClosed:
                    pass  # closed before the subscription went out (say, refused over a limit): report the close below
                try:
                    async for message in ws:
                        frame = json.loads(message)
                        if frame.get("type") == "events":
                            emit({"type": "frame", "events": len(frame["events"]), "cursor": frame["cursor"]})
                            for event in frame["events"]:
                                emit({"type": "event", **event})
                            events += len(frame["events"])
                        else:
                            emit(frame)
                            if frame.get("type") == "event":
                                events += 1
                        if events >= args.count:
                            return
                except ConnectionClosed as closed:
                    pass
                emit({"type": "closed", "code": ws.close_code, "reason": ws.close_reason})
    except InvalidStatus as refused:
        emit({"type": "refused", "status": refused.response.status_code, "body": refused.response.body.decode(errors="replace")})
    except TimeoutError:
        emit({"type": "timeout", "events": events})


def sse(args) -> None:
    """Server-Sent Events: prints each event's data line (and the subscribed frame) as JSON lines."""
    import http.client
    from urllib.parse import quote

    connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=args.seconds)
    headers = {"Host": args.host, "Accept": "text/event-stream"}
    if args.cookie:
        headers["Cookie"] = args.cookie
    if args.bearer:
        headers["Authorization"] = f"Bearer {args.bearer}"
    if args.after:
        headers["Last-Event-ID"] = args.after
    connection.request("GET", "/api/v1/live/sse?topics=" + quote(args.topics, safe=",/"), headers=headers)
    response = connection.getresponse()
    if response.status != 200:
        emit({"type": "refused", "status": response.status, "body": response.read().decode(errors="replace")})
        return
    events, fields = 0, {}
    try:
        while True:
            line = response.fp.readline()
            if not line:
                emit({"type": "closed"})
                return
            line = line.decode().rstrip("\n")
            if line:
                name, _, value = line.partition(": ")
                fields[name] = value
                continue
            if "data" in fields:
                frame = json.loads(fields["data"])
                if fields.get("id"):
                    frame["sse_id"] = fields["id"]
                emit(frame)
                if frame.get("type") == "event":
                    events += 1
                    if events >= args.count:
                        return
            fields = {}
    except TimeoutError:
        emit({"type": "timeout", "events": events})


asyncio.run(main())
