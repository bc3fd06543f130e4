"""A web chat visitor for the Swift tests, built on the `websockets` package (pinned in Tests/requirements.txt).

Connects to ws://<host>/webchat/<channel> through 127.0.0.1:<port> (so the Host header names the tenant), sends
{"type":"hello","token":<--token or null>}, then runs --steps (a JSON list) in order:
  {"send": {...}}                      send a frame
  {"wait": {"type": "ack", ...}}       wait for a frame whose fields include these values
  {"wait_text": "..."}                 wait for a message frame whose text contains this
Every received frame is printed as one line of JSON, flushed at once; then {"type":"done"}. A refused upgrade
prints {"type":"refused","status":…}; a close prints {"type":"closed",…}; running past --seconds prints
{"type":"timeout"}.
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


def matches(frame, wanted):
    return all(frame.get(key) == value for key, value in wanted.items())


async def run(args, steps):
    async with connect(f"ws://{args.host}/webchat/{args.channel}", host="127.0.0.1", port=args.port,
                       origin=args.origin, max_size=2**20) as ws:
        await ws.send(json.dumps({"type": "hello", "token": args.token}))

        async def receive():
            frame = json.loads(await ws.recv())
            emit(frame)
            return frame

        try:
            for step in steps:
                if "send" in step:
                    await ws.send(json.dumps(step["send"]) if isinstance(step["send"], dict) else step["send"])
                elif "wait" in step:
                    while not matches(await receive(), step["wait"]):
                        pass
                elif "wait_text" in step:
                    while True:
                        frame = await receive()
                        if frame.get("type") == "message" and step["wait_text"] in frame.get("text", ""):
                            break
            emit({"type": "done"})
        except ConnectionClosed:
            emit({"type": "closed", "code": ws.close_code, "reason": ws.close_reason})


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", required=True, help="tenant host, e.g. acme.localhost:8080")
    parser.add_argument("--channel", required=True)
    parser.add_argument("--token")
    parser.add_argument("--origin")
    parser.add_argument("--steps", default="[]")
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    try:
        async with asyncio.timeout(args.seconds):
            await run(args, json.loads(args.steps))
    except InvalidStatus as refused:
        emit({"type": "refused", "status": refused.response.status_code, "body": refused.response.body.decode(errors="replace")})
    except TimeoutError:
        emit({"type": "timeout"})


asyncio.run(main())
