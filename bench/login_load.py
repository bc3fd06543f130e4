"""Loopback load generator for `make bench`: POST /login with a correct password from N threads for a fixed time
and print sign-ins per second and latency percentiles. Standard library only."""
import argparse
import http.client
import threading
import time
import urllib.parse


def worker(args, stop_at, results, lock):
    body = urllib.parse.urlencode({"email": args.email, "password": args.password})
    conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
    local = []
    errors = 0
    while time.monotonic() < stop_at:
        start = time.monotonic()
        try:
            conn.request("POST", "/login", body=body, headers={
                "Host": args.host, "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"})
            response = conn.getresponse()
            response.read()
            if response.status == 303 and "glavito_session=" in (response.getheader("Set-Cookie") or ""):
                local.append(time.monotonic() - start)
            else:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
    with lock:
        results["latencies"].extend(local)
        results["errors"] += errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    results = {"latencies": [], "errors": 0}
    lock = threading.Lock()
    started = time.monotonic()
    stop_at = started + args.seconds
    threads = [threading.Thread(target=worker, args=(args, stop_at, results, lock)) for _ in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies = sorted(results["latencies"])
    def pct(p):
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000 if latencies else float("nan")
    print(f"login: {len(latencies) / elapsed:.1f} successful sign-ins/s over {elapsed:.1f} s with {args.concurrency} clients "
          f"({len(latencies)} ok, {results['errors']} errors); latency p50 {pct(50):.0f} ms, p95 {pct(95):.0f} ms, p99 {pct(99):.0f} ms")


if __name__ == "__main__":
    main()
