"""The web chat widget in Debian's Chromium at phone width: a visitor opens it from the workspace's page, writes, an
agent answers through the REST API, and the answer appears in the widget; a reload keeps the conversation.

Usage: webchat_widget.py <base-url> <api-key> [chromium-path]; exit 0 when every step passed.
"""
import json
import sys
import time
import urllib.request
from urllib.parse import urlparse

from playwright.sync_api import expect, sync_playwright


def api(base, key, method, path, body=None):
    # *.localhost may not resolve for Python: talk to 127.0.0.1 and name the workspace in the Host header.
    parsed = urlparse(base)
    request = urllib.request.Request(f"http://127.0.0.1:{parsed.port}{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": "Bearer " + key, "Content-Type": "application/json",
                                              "Accept": "application/json", "Host": parsed.netloc})
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.loads(response.read().decode())


def main(base, key, chromium):
    host = urlparse(base).hostname
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium,
                                    args=["--no-sandbox", "--disable-gpu", f"--host-resolver-rules=MAP {host} 127.0.0.1"])
        page = browser.new_page(viewport={"width": 360, "height": 740})
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base + "/")
        page.get_by_role("button", name="Open chat with").click()
        page.get_by_role("textbox", name="Your message").fill("Hallo aus dem Browser, wo ist meine Bestellung?")
        page.get_by_role("button", name="Send").click()
        log = page.get_by_role("log", name="Messages")
        expect(log).to_contain_text("Hallo aus dem Browser", timeout=10_000)

        ticket = None
        for _ in range(50):
            tickets = api(base, key, "GET", "/api/v1/tickets?channel=webchat")["tickets"]
            if tickets:
                ticket = tickets[0]["id"]
                break
            time.sleep(0.2)
        assert ticket, "the visitor's message opened no ticket"
        api(base, key, "POST", f"/api/v1/tickets/{ticket}/messages", {"type": "note", "text": "internal: check the warehouse"})
        api(base, key, "POST", f"/api/v1/tickets/{ticket}/messages", {"type": "text", "text": "**Sie ist unterwegs!** Morgen da."})
        expect(log).to_contain_text("Sie ist unterwegs!", timeout=15_000)
        assert "internal: check the warehouse" not in log.inner_text(), "a note reached the visitor"

        page.reload()
        page.get_by_role("button", name="Open chat with").click()
        expect(page.get_by_role("log", name="Messages")).to_contain_text("Sie ist unterwegs!", timeout=10_000)
        assert not errors, errors
        browser.close()
    print("webchat widget: message, live reply, history after reload")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "/usr/bin/chromium")
