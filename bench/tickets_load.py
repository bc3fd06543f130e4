"""Loopback client for bench/tickets.sh: signs in, then times GET /api/v1/tickets with each filter (first pages, and
pages deep into the list by following `next`), one request at a time, and prints one JSON object:
{"<query>": {"p50": ms, "p99": ms, "count": tickets on the first page}}. Standard library only.

Usage: tickets_load.py SETTINGS_JSON  (base, host, email, password, assignee, repeats)
"""
import http.client
import json
import sys
import time
import urllib.parse


def main():
    settings = json.loads(sys.argv[1])
    host, port = settings["host"], settings["port"]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = urllib.parse.urlencode({"email": settings["email"], "password": settings["password"]})
    conn.request("POST", "/login", body=body, headers={
        "Host": host, "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"})
    response = conn.getresponse()
    response.read()
    cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
    if response.status != 303 or "glavito_session=" not in cookie:
        raise SystemExit(f"sign-in failed: {response.status} {response.getheader('Location')} {response.getheader('Set-Cookie')}")

    def get(path):
        start = time.perf_counter()
        conn.request("GET", path, headers={"Host": host, "Cookie": cookie, "Accept": "application/json"})
        answer = conn.getresponse()
        data = answer.read()
        elapsed = (time.perf_counter() - start) * 1000
        if answer.status != 200:
            raise SystemExit(f"GET {path}: {answer.status} {data[:300]!r}")
        return elapsed, json.loads(data)

    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 6 * 3600))
    queries = {
        "all": "",
        "status=open": "status=open",
        "assignee": f"assignee={settings['assignee']}",
        "assignee=none&status=open": "assignee=none&status=open",
        "team=billing": "team=billing",
        "channel=email": "channel=email",
        "tag=vip": "tag=vip",
        "priority=urgent": "priority=urgent",
        "updated_since=6h": f"updated_since={urllib.parse.quote(since)}",
        "status=pending&channel=email": "status=pending&channel=email",
    }
    repeats = int(settings.get("repeats", 30))
    results = {}
    for name, query in queries.items():
        get(f"/api/v1/tickets?{query}&limit=50")  # warm
        times, count = [], 0
        for _ in range(repeats):
            elapsed, page = get(f"/api/v1/tickets?{query}&limit=50")
            times.append(elapsed)
            count = len(page.get("tickets", []))
        times.sort()
        results[name] = {"p50": round(times[len(times) // 2], 2), "p99": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2),
                         "count": count}
    # Deep pages: follow `next` 40 pages into the list, unfiltered and by status.
    for name, query in (("all, pages 1-40", ""), ("status=open, pages 1-40", "status=open")):
        times, cursor = [], None
        for _ in range(40):
            path = f"/api/v1/tickets?{query}&limit=50" + (f"&after={urllib.parse.quote(cursor)}" if cursor else "")
            elapsed, page = get(path)
            times.append(elapsed)
            cursor = page.get("next")
            if not cursor:
                break
        times.sort()
        results[name] = {"p50": round(times[len(times) // 2], 2), "p99": round(times[-1], 2), "count": len(times)}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
