"""The workspace benchmark's browser side (bench/workspace.sh): Playwright from PyPI driving Debian's Chromium.

    workspace_load.py SETTINGS_JSON

SETTINGS: base (the tenant's URL), api (the control plane's 127.0.0.1 URL), email, password, channel_id,
phone_number_id, app_secret, loads (default 5), messages (default 100).

Signs in, then (1) opens the inbox `loads` times in a fresh page with the cache off and reports the time from
navigation to an interactive inbox (the page sets window.glavitoReadyAt when its first list is drawn and the live
connection is up) and the bytes transferred; (2) posts `messages` signed WhatsApp webhooks, one at a time, each from
a new customer, and reports the time from starting the POST to the customer's row being shown in the open inbox
(p50, p99). Prints one JSON object.
"""
import hashlib
import hmac
import json
import statistics
import sys
import time
import urllib.request
import uuid

from playwright.sync_api import expect, sync_playwright


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else 0


def webhook(settings, name, text):
    customer = str(4_918_000_000_000 + int(uuid.uuid4().int % 1_000_000_000))
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "BENCHWABA", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {"display_phone_number": "4930123456", "phone_number_id": settings["phone_number_id"]},
        "contacts": [{"profile": {"name": name}, "wa_id": customer}],
        "messages": [{"from": customer, "id": f"wamid.BENCHWS{uuid.uuid4().hex}", "timestamp": str(int(time.time())), "type": "text",
                      "text": {"body": text}}]}}]}]}).encode()
    signature = "sha256=" + hmac.new(settings["app_secret"].encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(f"{settings['api']}/webhooks/whatsapp/{settings['channel_id']}", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200, response.status


def main(settings):
    loads = int(settings.get("loads", 5))
    messages = int(settings.get("messages", 100))
    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.set_default_timeout(60000)
        page.goto(f"{settings['base']}/login")
        page.fill("#email", settings["email"])
        page.fill("#password", settings["password"])
        page.click("button[type=submit]")
        page.wait_for_url(f"{settings['base']}/app")
        interactive, transferred = [], []
        for _ in range(loads):
            fresh = context.new_page()
            cdp = context.new_cdp_session(fresh)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            total = {"bytes": 0}
            cdp.on("Network.loadingFinished", lambda event: total.__setitem__("bytes", total["bytes"] + event.get("encodedDataLength", 0)))
            fresh.goto(f"{settings['base']}/app")
            expect(fresh.locator("body[data-ready=true]")).to_have_count(1)
            expect(fresh.locator("body[data-live=live]")).to_have_count(1)
            interactive.append(fresh.evaluate("window.glavitoReadyAt"))
            time.sleep(0.5)
            transferred.append(total["bytes"])
            fresh.close()
        out["inbox_interactive_ms"] = {"median": round(statistics.median(interactive)), "all": [round(v) for v in interactive]}
        out["first_load_bytes"] = {"median": statistics.median(transferred), "all": transferred}
        page.goto(f"{settings['base']}/app")
        expect(page.locator("body[data-live=live]")).to_have_count(1)
        latencies = []
        for index in range(messages):
            name = f"Bench {index} {uuid.uuid4().hex[:6]}"
            page.evaluate("""(name) => {
                window.__seen = new Promise((resolve) => {
                    const found = () => [...document.querySelectorAll('#ticket-list li')].some((li) => li.textContent.includes(name));
                    if (found()) { resolve(Date.now()); return; }
                    const observer = new MutationObserver(() => { if (found()) { observer.disconnect(); resolve(Date.now()); } });
                    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
                });
            }""", name)
            started = time.time() * 1000
            webhook(settings, name, f"Message {index}: where is my order?")
            seen = page.evaluate("window.__seen")
            latencies.append(seen - started)
            time.sleep(0.05)
        out["webhook_to_screen_ms"] = {"p50": round(percentile(latencies, 0.5)), "p99": round(percentile(latencies, 0.99)),
                                       "max": round(max(latencies)), "count": len(latencies)}
        browser.close()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(json.loads(sys.argv[1])))
