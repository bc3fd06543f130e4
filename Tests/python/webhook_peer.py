"""The Standard Webhooks reference library (PyPI `standardwebhooks`) as a peer of the Swift tests.

Usage:
  webhook_peer.py sign SECRET ID TIMESTAMP BODY             prints the webhook-signature value
  webhook_peer.py verify SECRET ID TIMESTAMP BODY SIGNATURE  exit 0 when it verifies, 1 when not
  webhook_peer.py receive SECRET_FILE LOG_FILE FAIL_FIRST [DELAY_MS]  an HTTP receiver on a free port (prints "port N"):
      answers 500 to the first FAIL_FIRST requests, then verifies each request's signature with the secret read
      from SECRET_FILE and answers 204 (401 when it does not verify); appends one JSON line per request to
      LOG_FILE: {"n", "status", "id", "timestamp", "verified", "body"}; DELAY_MS delays every answer.
"""
import json
import sys
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook


def receive(secret_file, log_file, fail_first, delay_ms=0):
    lock = threading.Lock()
    state = {"n": 0}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            with lock:
                state["n"] += 1
                n = state["n"]
            verified = False
            try:
                with open(secret_file) as f:
                    secret = f.read().strip()
                Webhook(secret).verify(body, dict(self.headers.items()))
                verified = True
            except Exception:
                verified = False
            status = 500 if n <= fail_first else (204 if verified else 401)
            if delay_ms:
                time.sleep(delay_ms / 1000)
            with lock, open(log_file, "a") as log:
                log.write(json.dumps({"n": n, "status": status, "id": self.headers.get("webhook-id"),
                                      "timestamp": self.headers.get("webhook-timestamp"),
                                      "verified": verified, "body": body}) + "\n")
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()


def main(argv):
    command, args = argv[0], argv[1:]
    if command == "sign":
        secret, msg_id, timestamp, body = args
        print(Webhook(secret).sign(msg_id, datetime.fromtimestamp(int(timestamp), tz=timezone.utc), body))
        return 0
    if command == "verify":
        secret, msg_id, timestamp, body, signature = args
        try:
            Webhook(secret).verify(body, {"webhook-id": msg_id, "webhook-timestamp": timestamp, "webhook-signature": signature})
        except Exception as error:
            print(f"mismatch: {error}")
            return 1
        print("ok")
        return 0
    if command == "receive":
        receive(args[0], args[1], int(args[2]), int(args[3]) if len(args) > 3 else 0)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
