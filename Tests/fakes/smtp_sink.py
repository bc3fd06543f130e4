"""A real SMTP server (aiosmtpd) that receives what Glavito's worker sends, for the email tests.

    smtp_sink.py OUTDIR [--user NAME --password SECRET] [--defer N] [--refuse]

Listens on a free port of 127.0.0.1 and prints {"port": N} once ready. Every message it accepts is written to
OUTDIR as <n>.eml (the bytes as received) and <n>.json (the envelope: mail_from, rcpt_tos). With --user, AUTH
PLAIN and LOGIN are required (over plain text: the tests run on loopback). With --defer N, the first N messages are
answered 451 at the end of DATA (a transient failure the sender must retry); with --refuse every message gets
554 (a permanent refusal). Stops on SIGTERM.
"""
import argparse
import asyncio
import json
import os
import signal
import socket
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, outdir, defer, refuse):
        self.outdir = outdir
        self.defer = defer
        self.refuse = refuse
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "554 5.7.1 message refused by policy (test refusal)"
        if self.defer > 0:
            self.defer -= 1
            return "451 4.3.0 try again later (test deferral)"
        self.count += 1
        base = os.path.join(self.outdir, f"{self.count:04d}")
        with open(base + ".eml.tmp", "wb") as handle:
            handle.write(envelope.original_content)
        with open(base + ".json", "w") as handle:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, handle)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 stored as %04d" % self.count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--defer", type=int, default=0)
    parser.add_argument("--refuse", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()

    def authenticate(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and auth_data.login.decode() == args.user and auth_data.password.decode() == args.password:
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    options = {}
    if args.user:
        options = {"authenticator": authenticate, "auth_required": True, "auth_require_tls": False}
    controller = Controller(Sink(args.outdir, args.defer, args.refuse), hostname="127.0.0.1", port=port, decode_data=False,
                            server_kwargs=options)
    controller.start()
    print(json.dumps({"port": port}), flush=True)
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
