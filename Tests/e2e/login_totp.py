"""Browser test: the demo owner signs in, enrols TOTP (codes from pyotp), signs out, and signs in again with
password plus TOTP, in Debian's Chromium driven by Playwright.

Usage: login_totp.py <base-url> <email> <password> [chromium-path]; exit 0 when every step passed.
"""
import sys
import time

import pyotp
from playwright.sync_api import expect, sync_playwright


def main(base, email, password, chromium):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.set_default_timeout(20000)

        page.goto(f"{base}/login")
        page.fill("#email", email)
        page.fill("#password", password)
        page.click("button[type=submit]")
        # Signing in lands on the agent workspace; the account page is one link away.
        page.wait_for_url(f"{base}/app")
        page.goto(f"{base}/account")
        expect(page.locator("#mfa-status")).to_contain_text("off")

        page.click("#mfa-status a")
        page.wait_for_url(f"{base}/account/mfa")
        expect(page.locator("svg.qr-code")).to_be_visible()
        secret = page.locator("#totp-secret").get_attribute("data-secret")
        totp = pyotp.TOTP(secret)
        # Enrol with the previous step's code (accepted within one step) so the current step stays unused.
        # A loaded machine can take long enough that a step boundary passes before the server checks the code
        # (then it is two steps old): take the previous step's code again once.
        for attempt in range(2):
            page.fill("#code", totp.at(time.time() - 30))
            page.click("form[action='/account/mfa'] button[type=submit]")
            try:
                expect(page.locator("#recovery-codes li")).to_have_count(10, timeout=10000)
                break
            except AssertionError:
                if attempt == 1 or not page.locator("#code").count():
                    raise

        page.goto(f"{base}/account")
        expect(page.locator("#mfa-status")).to_contain_text("on")
        page.click("nav form[action='/logout'] button")
        page.wait_for_url(f"{base}/login")

        page.fill("#email", email)
        page.fill("#password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/login/mfa")
        page.fill("#code", totp.now())
        page.click("form[action='/login/mfa'] button[type=submit]")
        page.wait_for_url(f"{base}/app")
        page.goto(f"{base}/account")
        expect(page.locator("#signed-in-as")).to_contain_text(email)
        cookies = {c["name"]: c for c in page.context.cookies()}
        session = cookies.get("__Host-glavito_session") or cookies.get("glavito_session")
        assert session and session["httpOnly"] and session["sameSite"] == "Lax", cookies
        browser.close()
    print("browser flow passed")
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(main(args[0], args[1], args[2], args[3] if len(args) > 3 else "/usr/bin/chromium"))
