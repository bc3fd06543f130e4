"""Browser test of the agent workspace (/app) in Debian's Chromium driven by Playwright.

Usage: workspace.py '<json settings>' [chromium-path]. Settings (made by WorkspaceRig.swift): base (tenant URL),
fake (fake Graph API URL), phone_number_id, agents [{email, password, name, totp?}], flows (reply, presence,
template, fields, email, teams), viewport (desktop | phone), output (screenshot directory), customer (template flow).
Prints figures as `figure: name=value` lines; exit 0 when every step passed.
"""
import json
import smtplib
import os
import sys
import time
import urllib.request
import uuid

import pyotp
from playwright.sync_api import expect, sync_playwright

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def fake(settings, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(settings["fake"] + path, data=data, method="POST" if body is not None else "GET",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"{}")


def inbound(settings, customer, name, text):
    answer = fake(settings, "/_fake/whatsapp/webhook", {
        "phone_number_id": settings["phone_number_id"], "signature": "valid",
        "contacts": [{"profile": {"name": name}, "wa_id": customer}],
        "messages": [{"from": customer, "id": "wamid." + uuid.uuid4().hex, "timestamp": str(int(time.time())),
                      "type": "text", "text": {"body": text}}],
    })
    assert answer.get("status") == 200, answer
    return answer


def new_customer(settings, first_name, text, prefix="4916"):
    """A new customer writes on WhatsApp; returns (wa_id, display name)."""
    customer = f"{prefix}{int(time.time() * 1000) % 10**8:08d}"
    name = f"{first_name} {uuid.uuid4().hex[:6]}"
    inbound(settings, customer, name, text)
    return customer, name


def sent_to(settings, customer):
    return [s for s in fake(settings, "/_fake/sent?channel=whatsapp").get("sent", []) if s.get("customer") == customer]


def wait_until(what, condition, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def sign_in(browser, settings, agent):
    context = browser.new_context(viewport=VIEWPORTS[settings["viewport"]], has_touch=settings["viewport"] == "phone",
                                  is_mobile=settings["viewport"] == "phone")
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{settings['base']}/login")
    page.fill("#email", agent["email"])
    page.fill("#password", agent["password"])
    page.click("button[type=submit]")
    if agent.get("totp"):
        page.wait_for_url(f"{settings['base']}/login/mfa")
        page.fill("#code", pyotp.TOTP(agent["totp"]).now())
        page.click("form[action='/login/mfa'] button[type=submit]")
    page.wait_for_url(f"{settings['base']}/app")
    wait_ready(page)
    return context, page


def wait_ready(page):
    expect(page.locator("body[data-ready=true]")).to_have_count(1)
    expect(page.locator("body[data-live=live]")).to_have_count(1)


def shot(page, settings, name):
    os.makedirs(settings["output"], exist_ok=True)
    page.screenshot(path=os.path.join(settings["output"], f"{settings['viewport']}-{name}.png"))


def open_ticket(page, name):
    page.locator("#ticket-list li", has_text=name).first.locator("a").click()
    expect(page.locator("#ticket-title")).to_have_text(name)
    expect(page.locator("#composer-text")).to_be_visible()


def unfold_details(page):
    """On a phone the ticket's actions are folded away."""
    if page.locator("details.ticket-details:not([open])").count():
        page.click("details.ticket-details summary")


def first_load(browser, settings, page):
    """A fresh page of the signed-in context with the cache off: time to an interactive inbox, bytes transferred."""
    fresh = page.context.new_page()
    cdp = page.context.new_cdp_session(fresh)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    total = {"bytes": 0, "requests": 0}

    def finished(event):
        total["bytes"] += event.get("encodedDataLength", 0)
        total["requests"] += 1

    cdp.on("Network.loadingFinished", finished)
    fresh.goto(f"{settings['base']}/app")
    wait_ready(fresh)
    ready = fresh.evaluate("window.glavitoReadyAt")
    time.sleep(0.5)
    print(f"figure: {settings['viewport']}.inbox_interactive_ms={ready:.0f}")
    print(f"figure: {settings['viewport']}.first_load_bytes={total['bytes']} requests={total['requests']}")
    fresh.close()


def flow_reply(browser, settings):
    fake(settings, "/_fake/auto_status", {"enabled": False, "delay_seconds": 0.1})
    context, page = sign_in(browser, settings, settings["agents"][0])
    first_load(browser, settings, page)
    # Each new row's arrival time, in the page's clock (the same machine's wall clock as ours).
    page.evaluate("""() => { window.seen = {}; new MutationObserver(() => {
        for (const row of document.querySelectorAll('#ticket-list .who')) window.seen[row.textContent] ??= Date.now();
      }).observe(document.getElementById('ticket-list'), {childList: true, subtree: true}); }""")
    run = uuid.uuid4().hex[:6]
    customers = []
    latencies = []
    for index in range(5):
        customer = f"4917{int(time.time() * 1000) % 10**8:08d}{index}"
        name = f"Lena {run} {index}"
        before = time.time() * 1000
        answer = inbound(settings, customer, name, f"Hallo, wo ist *meine* Bestellung {index}?")
        answered = time.time() * 1000
        row = page.locator("#ticket-list .who", has_text=name)
        expect(row).to_be_visible(timeout=5000)
        seen = page.evaluate("(name) => window.seen[name]", name)
        latencies.append((seen - before, seen - answered))
        customers.append((customer, name))
        time.sleep(0.3)
    for total, after in latencies:
        print(f"figure: {settings['viewport']}.webhook_to_screen_ms={total:.0f} after_webhook_answered_ms={after:.0f}")
    assert latencies[0][1] < 1000, f"the first message took {latencies[0][1]:.0f} ms after the webhook was answered"
    # The connection drops; a message arriving meanwhile shows once it has reconnected and resumed from its cursor.
    page.evaluate("window.glavitoLive.socket.close()")
    inbound(settings, f"4917{int(time.time() * 1000) % 10**8:08d}9", f"Lena {run} resumed", "Noch da?")
    expect(page.locator("#ticket-list .who", has_text=f"Lena {run} resumed")).to_be_visible(timeout=10000)
    expect(page.locator("body[data-live=live]")).to_have_count(1)
    expect(page.locator("[data-count=all]")).not_to_have_text("")
    shot(page, settings, "inbox")

    # Bulk actions: tag two tickets, close a third (it leaves the "open" view).
    row = lambda index: page.locator("#ticket-list li", has_text=customers[index][1])
    for index in (1, 2):
        row(index).locator(".pick").check()
    expect(page.locator("#bulk-count")).to_have_text("2 selected")
    page.fill("#bulk-tag", "vip")
    page.click("#bulk-tag-apply")
    for index in (1, 2):
        expect(row(index).locator(".tag")).to_have_text("vip", timeout=15000)
    row(3).locator(".pick").check()
    page.click("#bulk-close")
    expect(row(3)).to_have_count(0)
    expect(page.locator("#bulk")).to_be_hidden()

    customer, name = customers[0]
    open_ticket(page, name)
    expect(page.locator("#timeline .msg.inbound strong")).to_have_text("meine")
    # A canned response goes in with the customer's name filled in; the reply below replaces it.
    page.select_option("#canned", label="/greeting · Greeting")
    expect(page.locator("#composer-text")).to_have_value(f"Hallo {name}!")
    reply = f"Danke! Wir schauen **sofort** nach ({run})."
    page.fill("#composer-text", reply)
    page.check("#preview-toggle")
    expect(page.locator("#preview .bubble strong")).to_have_text("sofort")
    page.press("#composer-text", "Control+Enter")
    sent = wait_until("the reply at the fake Graph API", lambda: sent_to(settings, customer))
    assert sent[0]["body"]["text"]["body"] == f"Danke! Wir schauen *sofort* nach ({run}).", sent[0]
    expect(page.locator("#timeline .msg.outbound .ticks[data-status=sent]")).to_have_count(1)
    fake(settings, "/_fake/whatsapp/webhook", {
        "phone_number_id": settings["phone_number_id"], "signature": "valid",
        "statuses": [{"id": sent[0]["message_id"], "status": "delivered", "timestamp": str(int(time.time())), "recipient_id": customer}],
    })
    expect(page.locator("#timeline .msg.outbound .ticks[data-status=delivered]")).to_have_count(1)
    expect(page.locator("#timeline .msg.outbound .ticks")).to_have_text("✓✓")
    shot(page, settings, "ticket")
    if settings["viewport"] == "phone":
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the ticket view scrolls sideways ({width} px)"
        box = page.locator("#send").bounding_box()
        assert box["height"] >= 44, box
        page.click(".back")
        expect(page.locator("#ticket-list")).to_be_visible()
    # Every control has an accessible name.
    unnamed = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea, button')]
        .filter((e) => e.offsetParent !== null && !e.labels?.length && !e.getAttribute('aria-label') && !e.textContent.trim())
        .map((e) => e.id || e.outerHTML.slice(0, 80))""")
    assert not unnamed, f"controls without a name: {unnamed}"
    # Keyboard: j opens the next ticket, ? lists the shortcuts.
    # (After the phone's back button nothing is selected, and j opens the first ticket.)
    page.locator("body").press("Escape")
    following = page.locator("#ticket-list li.selected + li .who")
    expected = (following if following.count() else page.locator("#ticket-list li .who").first).inner_text()
    page.keyboard.press("j")
    expect(page.locator("#ticket-title")).to_have_text(expected)
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#shortcuts")).to_be_hidden()
    context.close()


def flow_presence(browser, settings):
    first, second = settings["agents"]
    _, name = new_customer(settings, "Mia", "Können Sie mir helfen?")
    context_a, a = sign_in(browser, settings, first)
    context_b, b = sign_in(browser, settings, second)
    for page in (a, b):
        expect(page.locator("#ticket-list .who", has_text=name)).to_be_visible()
        open_ticket(page, name)
    expect(a.locator("#presence")).to_contain_text(f"{second['name']} is viewing")
    expect(b.locator("#presence")).to_contain_text(f"{first['name']} is viewing")
    a.type("#composer-text", "Ich kümmere mich", delay=40)
    expect(b.locator("#presence")).to_contain_text(f"{first['name']} is typing")
    b.type("#composer-text", "Ok, danke", delay=40)
    expect(a.locator("#presence")).to_contain_text(f"{second['name']} is typing")
    shot(a, settings, "presence")
    # A note that @mentions the second agent tells them so, live.
    a.click("#mode-note")
    a.fill("#composer-text", f"@{second['name']} bitte übernehmen")
    a.press("#composer-text", "Control+Enter")
    expect(b.locator("#timeline .msg.note")).to_contain_text("bitte übernehmen")
    expect(b.locator("#toast")).to_contain_text(f"{first['name']} mentioned you in a note")
    # The second agent goes back to the inbox (Esc leaves the field, Esc again the ticket): the first sees them go.
    b.locator("#composer-text").press("Escape")
    b.keyboard.press("Escape")
    expect(b.locator("#ticket-list")).to_be_visible()
    expect(a.locator("#presence")).not_to_contain_text(second["name"], timeout=5000)
    context_b.close()
    context_a.close()


def flow_template(browser, settings):
    customer = settings["customer"]
    context, page = sign_in(browser, settings, settings["agents"][0])
    open_ticket(page, "Old Customer")
    expect(page.locator("#window-info")).to_contain_text("closed")
    expect(page.locator("#composer-text")).to_be_disabled()
    page.select_option("#template", label="order_update (en)")
    page.fill("#param-1", "Lena")
    page.fill("#param-2", "A-1001")
    expect(page.locator("#template-preview")).to_have_text("Hello Lena, your order A-1001 is on its way.")
    page.click("#send")
    sent = wait_until("the template at the fake Graph API", lambda: sent_to(settings, customer))
    assert sent[0]["body"]["type"] == "template", sent[0]
    assert sent[0]["body"]["template"]["name"] == "order_update", sent[0]
    expect(page.locator("#timeline .msg.outbound", has_text="Hello Lena, your order A-1001")).to_be_visible()
    assert not [s for s in sent if s["body"].get("type") == "text"], "no free text reached the Graph API"
    shot(page, settings, "template")
    context.close()


def add_field(page, key, label, type, pattern=None, options=None, entity=None):
    """Adds a custom field on the admin's /admin/fields page (already open) and waits until it is listed."""
    if entity:
        page.select_option("#field-entity", entity)
    page.fill("#field-key", key)
    page.fill("#field-label", label)
    page.select_option("#field-type", type)
    if pattern:
        page.fill("#field-pattern", pattern)
    if options:
        page.fill("#field-options", options)
    page.click("#add-field button[type=submit]")
    expect(page.locator("#fields")).to_contain_text(key)


def flow_fields(browser, settings):
    admin, agent = settings["agents"]
    _, name = new_customer(settings, "Ola", "Wo bleibt meine Erstattung?", prefix="4915")
    context, page = sign_in(browser, settings, admin)
    page.goto(f"{settings['base']}/admin/fields")
    add_field(page, "order_number", "Order number", "text", pattern="[A-Z]-[0-9]{4}")
    context.close()
    context, page = sign_in(browser, settings, agent)
    open_ticket(page, name)
    unfold_details(page)
    page.fill("#field-order_number", "123")
    page.press("#field-order_number", "Enter")
    page.locator("#field-order_number").blur()
    expect(page.locator("#field-error-order_number")).to_have_text("Order number must match the pattern [A-Z]-[0-9]{4}")
    shot(page, settings, "field-refused")
    page.fill("#field-order_number", "A-1001")
    page.locator("#field-order_number").blur()
    expect(page.locator("#field-error-order_number")).to_have_text("")
    context.close()


def flow_teams(browser, settings):
    """An admin creates a team at /admin/teams and adds an agent, then a contact field with a pattern at
    /admin/fields; the agent finds the team among the ticket's choices, and sets the customer's field: an invalid
    value shows the reason under it, a valid one clears it. The agent moves the ticket to the new team, their second:
    "My teams" lists it; a custom-field filter narrows the list and a saved view brings it back."""
    admin, agent = settings["agents"]
    _, name = new_customer(settings, "Vera", "Ich brauche eine Rechnung", prefix="4917")
    context, page = sign_in(browser, settings, admin)
    page.goto(f"{settings['base']}/admin/teams")
    page.fill("#team-key", "vip-desk")
    page.fill("#team-name", "VIP desk")
    page.click("#add-team button[type=submit]")
    row = page.locator("#teams tr[data-team='vip-desk']")
    expect(row.locator(".member-count")).to_have_text("0")
    row.locator("select[name=user_id]").select_option(label=agent["name"])
    row.locator("form[action$='/members'] button[type=submit]").click()
    expect(page.locator("#teams tr[data-team='vip-desk'] .member-count")).to_have_text("1")
    page.goto(f"{settings['base']}/admin/fields")
    add_field(page, "customer_no", "Customer number", "text", pattern="C[0-9]{5}", entity="contact")
    add_field(page, "plan", "Plan", "select", options="basic, pro", entity="ticket")
    context.close()
    context, page = sign_in(browser, settings, agent)
    open_ticket(page, name)
    unfold_details(page)
    expect(page.locator("#ticket-team option", has_text="VIP desk")).to_have_count(1)
    if page.locator("#customer-toggle").is_visible():
        page.click("#customer-toggle")
    page.fill("#contact-field-customer_no", "123")
    page.locator("#contact-field-customer_no").blur()
    expect(page.locator("#contact-field-error-customer_no")).to_have_text("Customer number must match the pattern C[0-9]{5}")
    shot(page, settings, "contact-field-refused")
    page.fill("#contact-field-customer_no", "C12345")
    page.locator("#contact-field-customer_no").blur()
    expect(page.locator("#contact-field-error-customer_no")).to_have_text("")
    # The agent is in emea and vip-desk: "My teams" shows the tickets of both, not only the first team's.
    page.select_option("#ticket-team", "vip-desk")
    expect(page.locator("#toast")).to_contain_text("Team: VIP desk")
    expect(page.locator("#filter-team option", has_text="VIP desk")).to_have_count(1)
    page.click("#view-teams")
    expect(page.locator("#ticket-list li", has_text=name)).to_have_count(1)
    # A custom-field filter in the inbox, kept by a saved view.
    page.select_option("#field-plan", "pro")
    expect(page.locator("#toast")).to_contain_text("Plan saved")
    page.select_option("#filter-field", "plan")
    page.select_option("#filter-field-value", "basic")
    expect(page.locator("#ticket-list li.empty")).to_have_text("No tickets here.")
    page.select_option("#filter-field-value", "pro")
    expect(page.locator("#ticket-list li", has_text=name)).to_have_count(1)
    page.fill("#saved-filter-name", "Pro plan")
    page.click("#save-filter")
    chip = page.locator("#saved-filters .saved-filter button.apply", has_text="Pro plan")
    expect(chip).to_have_count(1)
    page.click("#view-all")
    page.select_option("#filter-field", "")
    chip.click()
    expect(page.locator("#filter-field-value")).to_have_value("pro")
    expect(page.locator("#view-teams")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#ticket-list li", has_text=name)).to_have_count(1)
    context.close()


def flow_email(browser, settings):
    """A customer's email (with quoted history) arrives over SMTP: the agent sees subject, sender, the thread rule and
    the quote folded away, and replies with a Cc from the composer's email fields."""
    context, page = sign_in(browser, settings, settings["agents"][0])
    subject = f"Grinder noise {uuid.uuid4().hex[:6]}"
    message = (f"From: Erika Muster <erika@example.org>\r\nTo: {settings['email_address']}\r\nSubject: {subject}\r\n"
               f"Message-ID: <{uuid.uuid4().hex}@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
               "My grinder makes a loud noise since yesterday.\r\n\r\nOn Mon, 30 Nov 2026 at 10:00, Support wrote:\r\n"
               "> Thanks for your order.\r\n> It ships tomorrow.\r\n").encode()
    with smtplib.SMTP("127.0.0.1", settings["smtp_port"], timeout=30) as client:
        client.sendmail("erika@example.org", [settings["email_address"]], message)
    expect(page.locator("#ticket-list li", has_text=subject)).to_have_count(1)
    page.locator("#ticket-list li", has_text=subject).first.locator("a").click()
    expect(page.locator("#ticket-title")).to_have_text("Erika Muster")
    expect(page.locator("#composer-text")).to_be_visible()
    expect(page.locator(".msg .email-subject").first).to_have_text(subject)
    expect(page.locator(".msg .email-addr").first).to_contain_text("erika@example.org")
    expect(page.locator(".msg .email-thread").first).to_contain_text("new ticket")
    expect(page.locator(".msg .body").first).to_contain_text("loud noise")
    expect(page.locator(".msg .body").first).not_to_contain_text("ships tomorrow")
    expect(page.locator(".msg details.email-quote")).to_have_count(1)
    page.click(".msg details.email-quote summary")
    expect(page.locator(".msg details.email-quote pre")).to_contain_text("ships tomorrow")
    expect(page.locator("#email-cc")).to_be_visible()
    page.fill("#email-cc", "boss@example.org")
    page.fill("#composer-text", "We are sending a new grinder today.")
    page.click("#send")
    ticket = page.url.rsplit("/", 1)[-1]

    def replied():
        answer = page.evaluate("async (id) => (await fetch(`/api/v1/tickets/${id}/messages`, {headers: {Accept: 'application/json'}})).json()", ticket)
        return any(m["direction"] == "outbound" and any(c["address"] == "boss@example.org" for c in (m["content"].get("cc") or []))
                   for m in answer["messages"])

    wait_until("the reply with its Cc", replied)
    shot(page, settings, "email")
    # Assign the ticket to a team; on the desktop the inbox's team filter then finds it.
    unfold_details(page)
    page.select_option("#ticket-team", "emea")
    team_of = "async (id) => (await (await fetch(`/api/v1/tickets/${id}`, {headers: {Accept: 'application/json'}})).json()).ticket.team"
    wait_until("the team on the ticket", lambda: page.evaluate(team_of, ticket) == "emea")
    if settings["viewport"] == "desktop":
        page.select_option("#filter-team", "emea")
        expect(page.locator("#ticket-list li", has_text=subject)).to_have_count(1)
        # Save this view, leave it, and bring it back; the filter is the agent's own.
        page.fill("#saved-filter-name", "EMEA team")
        page.click("#save-filter")
        expect(page.locator("#saved-filters .saved-filter .apply", has_text="EMEA team")).to_have_count(1)
        page.select_option("#filter-team", "")
        page.click("#view-mine")
        page.locator("#saved-filters .saved-filter .apply", has_text="EMEA team").click()
        expect(page.locator("#filter-team")).to_have_value("emea")
        expect(page.locator("#view-all")).to_have_attribute("aria-selected", "true")
        expect(page.locator("#ticket-list li", has_text=subject)).to_have_count(1)
        other_context, other_page = sign_in(browser, settings, settings["agents"][1])
        theirs = other_page.evaluate("async () => (await (await fetch('/api/v1/saved-filters', {headers: {Accept: 'application/json'}})).json()).saved_filters")
        assert theirs == [], theirs
        other_context.close()
        page.select_option("#filter-team", "")
    if settings["viewport"] == "phone":
        # On a phone the customer sidebar is a panel behind the "Customer" button.
        expect(page.locator("#sidebar")).to_be_hidden()
        page.click("#customer-toggle")
        expect(page.locator("#identities")).to_contain_text("erika@example.org")
        page.click("#sidebar-close")
        expect(page.locator("#sidebar")).to_be_hidden()
    # A second email from the same customer opens its own ticket; the agent merges it here from the sidebar, then undoes.
    other = f"Also the milk frother {uuid.uuid4().hex[:6]}"
    second = (f"From: Erika Muster <erika@example.org>\r\nTo: {settings['email_address']}\r\nSubject: {other}\r\n"
              f"Message-ID: <{uuid.uuid4().hex}@example.org>\r\n\r\nThe frother is broken as well.\r\n").encode()
    with smtplib.SMTP("127.0.0.1", settings["smtp_port"], timeout=30) as client:
        client.sendmail("erika@example.org", [settings["email_address"]], second)
    expect(page.locator("#ticket-list li", has_text=other)).to_have_count(1)
    page.goto(f"{settings['base']}/app/tickets/{ticket}")
    wait_ready(page)
    if settings["viewport"] == "phone":
        page.click("#customer-toggle")
    expect(page.locator("#other-tickets li", has_text=other)).to_have_count(1)
    page.locator("#other-tickets li", has_text=other).locator("button.merge").click()
    expect(page.locator(".msg .body", has_text="frother is broken")).to_have_count(1)
    page.click("#undo-merge")
    expect(page.locator(".msg .body", has_text="frother is broken")).to_have_count(0)
    # Once the customer is also known on WhatsApp, the agent can choose to reply there (its window is closed: templates).
    status = page.evaluate("""async (ticket) => {
        const boot = JSON.parse(document.getElementById('boot').textContent);
        const detail = await (await fetch(`/api/v1/tickets/${ticket}`, { headers: { Accept: 'application/json' } })).json();
        const response = await fetch(`/api/v1/contacts/${detail.ticket.contact_id}/identities`, { method: 'POST',
            headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': boot.csrf },
            body: JSON.stringify({ kind: 'wa_id', value: '4915199887766' }) });
        return response.status;
    }""", ticket)
    assert status == 201, status
    page.goto(f"{settings['base']}/app/tickets/{ticket}")
    wait_ready(page)
    expect(page.locator("#reply-channel option")).to_have_count(2)
    expect(page.locator("#reply-channel option:checked")).to_contain_text("Email")
    page.select_option("#reply-channel", label=page.locator("#reply-channel option", has_text="WhatsApp").inner_text())
    expect(page.locator("#templates")).to_be_visible()
    expect(page.locator("#email-cc")).to_be_hidden()
    context.close()


def flow_media(browser, settings):
    """A WhatsApp reply with a photo: the file input of the composer, the upload and the image message at the fake,
    and the timeline showing the 320 px thumbnail once the worker made it."""
    import io
    from PIL import Image
    customer, name = new_customer(settings, "Mia", "Can you send a photo of the part?", prefix="4917")
    context, page = sign_in(browser, settings, settings["agents"][0])
    open_ticket(page, name)
    expect(page.locator("#media-files")).to_be_visible()
    picture = io.BytesIO()
    Image.new("RGB", (900, 600), (30, 120, 200)).save(picture, format="PNG")
    page.set_input_files("#media-files", files=[{"name": "part.png", "mimeType": "image/png", "buffer": picture.getvalue()}])
    page.fill("#composer-text", "Here is the **part**")
    page.click("#send")
    sent = wait_until("the image at the fake Graph API", lambda: sent_to(settings, customer), timeout=60)
    body = sent[0]["body"]
    assert body["type"] == "image" and body["image"]["caption"] == "Here is the *part*", body
    uploads = [r for r in fake(settings, "/_fake/requests?kind=media_upload")["requests"] if r["status"] == 200]
    assert any(r["response"]["id"] == body["image"]["id"] for r in uploads), uploads
    thumbnail = page.locator("#timeline .msg.outbound img[src*='/attachments/']").last
    wait_until("the thumbnail in the timeline", lambda: thumbnail.count() and thumbnail.evaluate(
        "img => img.complete && img.naturalWidth === 320 && Math.abs(img.naturalHeight - 213) <= 1"), timeout=60)
    expect(page.locator("#media-files")).to_have_value("")
    shot(page, settings, "media")
    context.close()


def main(settings, chromium):
    flows = {"reply": flow_reply, "presence": flow_presence, "template": flow_template, "fields": flow_fields, "email": flow_email,
             "teams": flow_teams, "media": flow_media}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for name in settings["flows"]:
            flows[name](browser, settings)
            print(f"flow {name} ({settings['viewport']}) passed")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(json.loads(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "/usr/bin/chromium"))
