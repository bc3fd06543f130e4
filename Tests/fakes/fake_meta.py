#!/usr/bin/env python3
"""A local fake of Meta's Graph API: WhatsApp Cloud API and Instagram Messaging (standard library only).

Usage:
  python3 Tests/fakes/fake_meta.py [--host 127.0.0.1] [--port 0] [--config file.json]

Prints exactly one line of JSON to stdout, {"port": N}, once it listens; logs go to stderr; SIGTERM stops it.
See docs/fake-meta.md for the Graph endpoints it serves, what it checks, and the control API under /_fake.
"""
import argparse
import base64
import hashlib
import hmac
import itertools
import json
import os
import re
import secrets
import signal
import string
import sys
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DAY = 24 * 3600
WA_TYPES = ("text", "image", "audio", "video", "document", "sticker", "location", "contacts",
            "interactive", "template", "reaction")
MEDIA_TYPES = ("image", "audio", "video", "document", "sticker")
IG_ATTACHMENT_TYPES = ("image", "video", "audio", "file")
IG_SENDER_ACTIONS = ("typing_on", "typing_off", "mark_seen")
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
DEFAULT_ERROR_TITLES = {
    1: "An unknown error occurred", 2: "Service temporarily unavailable", 4: "Application request limit reached",
    80007: "Rate limit issues", 130429: "Rate limit hit", 131000: "Something went wrong",
    131016: "Service unavailable", 131026: "Message undeliverable", 131048: "Spam rate limit hit",
    131056: "(Business Account, Consumer Account) pair rate limit hit", 133010: "Phone number not registered",
}
# WhatsApp Cloud API "Supported media types": what POST /{phone-number-id}/media takes, by type, with its size cap.
WA_UPLOAD_TYPES = {
    "image": ({"image/jpeg", "image/png"}, 5 * 1000 * 1000),
    "audio": ({"audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"}, 16 * 1000 * 1000),
    "video": ({"video/mp4", "video/3gpp"}, 16 * 1000 * 1000),
    "document": ({"text/plain", "application/pdf", "application/msword", "application/vnd.ms-excel",
                  "application/vnd.ms-powerpoint",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "application/vnd.openxmlformats-officedocument.presentationml.presentation"}, 100 * 1000 * 1000),
    "sticker": ({"image/webp"}, 500 * 1000),
}
# First bytes the fake checks an uploaded file against its declared type (Meta rejects a mismatch).
MAGIC = {"image/jpeg": [b"\xff\xd8\xff"], "image/png": [b"\x89PNG\r\n\x1a\n"], "application/pdf": [b"%PDF-"],
         "audio/ogg": [b"OggS"], "image/webp": [b"RIFF"]}
# Instagram Send API attachment types and the content types a fetched URL may serve for each.
IG_FETCH_TYPES = {"image": ("image/",), "video": ("video/",), "audio": ("audio/",), "file": ("application/pdf",)}
GRAPH_KINDS = ("whatsapp_send", "instagram_send", "media", "media_upload", "media_download", "templates", "unknown")
NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
URL_SECRET = secrets.token_bytes(32)
SEQ = itertools.count(1)  # arrival order of requests


def log(message):
    sys.stderr.write(f"[fake_meta {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def now():
    return time.time()


def rand_alnum(n, alphabet=string.ascii_letters + string.digits):
    return "".join(secrets.choice(alphabet) for _ in range(n))


def fbtrace():
    return rand_alnum(11, string.ascii_letters + string.digits + "_")


def new_wamid():
    return "wamid.HBgL" + rand_alnum(46, string.ascii_uppercase + string.digits)


def new_numeric_id():
    return str(secrets.randbelow(9 * 10 ** 15) + 10 ** 15)


def graph_error(message, code, subcode=None, details=None, etype="OAuthException"):
    err = {"message": message, "type": etype, "code": code}
    if subcode is not None:
        err["error_subcode"] = subcode
    if details is not None:
        err["error_data"] = {"messaging_product": "whatsapp", "details": details}
    err["fbtrace_id"] = fbtrace()
    return {"error": err}


class GraphFailure(Exception):
    """A Graph error answer: HTTP status plus Meta's error object."""

    def __init__(self, status, message, code, subcode=None, details=None):
        super().__init__(message)
        self.status, self.message, self.code, self.subcode, self.details = status, message, code, subcode, details

    def body(self, whatsapp):
        return graph_error(self.message, self.code, self.subcode, self.details if whatsapp else None)


def invalid(details, whatsapp=True):
    """400 code 100 Invalid parameter; WhatsApp puts the reason in error_data.details, Instagram in the message."""
    if whatsapp:
        return GraphFailure(400, "(#100) Invalid parameter", 100, details=details)
    return GraphFailure(400, f"(#100) {details}", 100)


class ControlError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


def digits_of(value):
    return re.sub(r"\D", "", str(value))


def nonempty_str(value):
    return isinstance(value, str) and value.strip() != ""


def is_number(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    if isinstance(value, str):
        try:
            float(value)
            return True
        except ValueError:
            return False
    return False


def placeholders(text):
    seen = []
    for name in PLACEHOLDER.findall(text or ""):
        if name not in seen:
            seen.append(name)
    return seen


class State:
    def __init__(self):
        self.lock = threading.RLock()
        self.config = {}
        self.reset()

    def reset(self):
        with self.lock:
            self.wa = {}            # phone_number_id -> account
            self.ig = {}            # ig_id -> account
            self.templates = {}     # waba_id -> [template]
            self.media = {}         # media_id -> {"bytes", "mime_type", "sha256", "uploaded_by"}
            self.media_fail = {}    # media_id -> {"count", "mode"}
            self.windows = {}       # (channel, account, customer) -> unix time of last inbound
            self.requests = []
            self.sent = []
            self.webhooks = []
            self.fail = {}          # endpoint -> spec with "count"
            self.hang = {}          # endpoint -> {"seconds", "count"}
            self.auto_status = True
            self.status_delay = 0.1
            self.media_url_ttl = 300
            self.webhook_timeout = 10.0
            self.resolve = {}       # host suffix -> address the fake connects to when it fetches a URL (like curl --resolve)

    # --- registration -------------------------------------------------------------------------------------

    def add_wa(self, spec):
        need(spec, "phone_number_id", "waba_id", "access_token", "app_secret", "webhook_url")
        acct = {k: str(spec[k]) for k in ("phone_number_id", "waba_id", "access_token", "app_secret", "webhook_url")}
        acct["display_phone_number"] = str(spec.get("display_phone_number") or "15550000000")
        with self.lock:
            self.wa[acct["phone_number_id"]] = acct
        return acct

    def add_ig(self, spec):
        need(spec, "ig_id", "access_token", "app_secret", "webhook_url")
        acct = {k: str(spec[k]) for k in ("ig_id", "access_token", "app_secret", "webhook_url")}
        with self.lock:
            self.ig[acct["ig_id"]] = acct
        return acct

    def add_templates(self, spec):
        need(spec, "waba_id", "templates")
        out = []
        with self.lock:
            lst = self.templates.setdefault(str(spec["waba_id"]), [])
            for t in spec["templates"]:
                need(t, "name", "language")
                comps = t.get("components")
                if comps is None:
                    if "body" not in t:
                        raise ControlError(400, "template needs body (or components)")
                    comps = [{"type": "BODY", "text": t["body"]}]
                tpl = {"name": t["name"], "language": t["language"], "status": t.get("status", "APPROVED"),
                       "category": t.get("category", "UTILITY"), "id": str(t.get("id") or new_numeric_id()),
                       "components": comps}
                lst[:] = [x for x in lst if not (x["name"] == tpl["name"] and x["language"] == tpl["language"])]
                lst.append(tpl)
                out.append(tpl)
        return out

    def add_media(self, data, mime_type, media_id=None, uploaded_by=None):
        media_id = str(media_id or new_numeric_id())
        sha = hashlib.sha256(data).hexdigest()
        with self.lock:
            self.media[media_id] = {"bytes": data, "mime_type": mime_type, "sha256": sha, "uploaded_by": uploaded_by}
        return media_id, sha

    def set_window(self, channel, account, customer, unix):
        key = (channel, str(account), str(customer))
        with self.lock:
            if unix is None:
                self.windows.pop(key, None)
            else:
                self.windows[key] = float(unix)

    def last_inbound(self, channel, account, customer):
        with self.lock:
            return self.windows.get((channel, str(account), str(customer)))

    def take(self, table, endpoint):
        """Consumes one use of an injected failure/hang for endpoint, if any."""
        with self.lock:
            spec = table.get(endpoint)
            if not spec or spec.get("count", 0) <= 0:
                return None
            spec["count"] -= 1
            return dict(spec)

    def apply_config(self, cfg):
        with self.lock:
            if "media_url_ttl_seconds" in cfg:
                self.media_url_ttl = float(cfg["media_url_ttl_seconds"])
            if "webhook_timeout_seconds" in cfg:
                self.webhook_timeout = float(cfg["webhook_timeout_seconds"])
            if "resolve" in cfg:
                self.resolve = {str(k).lower(): str(v) for k, v in dict(cfg["resolve"]).items()}
            if "auto_status" in cfg:
                a = cfg["auto_status"]
                self.auto_status = bool(a.get("enabled", True))
                self.status_delay = float(a.get("delay_seconds", self.status_delay))
            for a in cfg.get("whatsapp_accounts", []):
                self.add_wa(a)
            for a in cfg.get("instagram_accounts", []):
                self.add_ig(a)
            for t in cfg.get("templates", []):
                self.add_templates(t)
            for m in cfg.get("media", []):
                self.add_media(base64.b64decode(m["base64"]), m.get("mime_type", "application/octet-stream"), m.get("id"))


def need(obj, *keys):
    if not isinstance(obj, dict):
        raise ControlError(400, "expected a JSON object")
    missing = [k for k in keys if obj.get(k) in (None, "")]
    if missing:
        raise ControlError(400, "missing field(s): " + ", ".join(missing))


STATE = State()


# --- outgoing webhooks -------------------------------------------------------------------------------------

def sign(secret, raw):
    return hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def encode_webhook(body):
    """Meta sends compact JSON with non-ASCII escaped as \\uXXXX and '/' escaped as '\\/'."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/").encode()


def post_webhook(kind, url, raw, secret, signature="valid"):
    headers = {"Content-Type": "application/json", "User-Agent": "facebookexternalua"}
    if signature == "valid":
        headers["X-Hub-Signature-256"] = "sha256=" + sign(secret, raw)
        headers["X-Hub-Signature"] = "sha1=" + hmac.new(secret.encode(), raw, hashlib.sha1).hexdigest()
    elif signature == "bad":
        headers["X-Hub-Signature-256"] = "sha256=" + sign("not-" + secret, raw)
        headers["X-Hub-Signature"] = "sha1=" + hmac.new(b"not-" + secret.encode(), raw, hashlib.sha1).hexdigest()
    req = urllib.request.Request(url, data=raw, headers=headers, method="POST")
    started = time.monotonic()
    status, text, error = None, "", None
    try:
        with NO_PROXY_OPENER.open(req, timeout=STATE.webhook_timeout) as resp:
            status, text = resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode("utf-8", "replace")
    except Exception as e:  # connection refused, timeout, ...
        error = f"{type(e).__name__}: {e}"
    elapsed = int((time.monotonic() - started) * 1000)
    entry = {"kind": kind, "url": url, "signature": signature, "body": raw.decode(), "status": status,
             "response": text, "elapsed_ms": elapsed, "error": error, "time": now()}
    with STATE.lock:
        STATE.webhooks.append(entry)
    log(f"webhook {kind} -> {url}: {status if status is not None else error} in {elapsed} ms")
    return entry


def wa_envelope(acct, value_fields):
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": acct["display_phone_number"],
                          "phone_number_id": acct["phone_number_id"]}}
    value.update(value_fields)
    return {"object": "whatsapp_business_account",
            "entry": [{"id": acct["waba_id"], "changes": [{"value": value, "field": "messages"}]}]}


def status_sequence(acct, record):
    """Background: sent, delivered, read status webhooks for an accepted WhatsApp send."""
    delay = record["status_delay"]
    created = int(record["time"])
    category = record["pricing_category"]
    conv = {"id": record["conversation_id"], "origin": {"type": category}}
    pricing = {"billable": category != "service", "pricing_model": "PMP", "category": category,
               "type": "regular" if category != "service" else "free_customer_service"}
    for status in ("sent", "delivered", "read"):
        time.sleep(delay)
        st = {"id": record["message_id"], "status": status, "timestamp": str(int(now())),
              "recipient_id": record["customer"]}
        if status != "read":
            c = json.loads(json.dumps(conv))
            if status == "sent":
                c["expiration_timestamp"] = str(created + DAY)
            st["conversation"] = c
            st["pricing"] = dict(pricing)
        if record.get("biz_opaque_callback_data") is not None:
            st["biz_opaque_callback_data"] = record["biz_opaque_callback_data"]
        raw = encode_webhook(wa_envelope(acct, {"statuses": [st]}))
        post_webhook("whatsapp_status", acct["webhook_url"], raw, acct["app_secret"])


# --- request validation ------------------------------------------------------------------------------------

def validate_wa_message(body):
    """Checks a WhatsApp send body; returns (customer key, contact entry, type). Raises GraphFailure."""
    if not isinstance(body, dict):
        raise invalid("Request body must be a JSON object")
    if body.get("messaging_product") != "whatsapp":
        raise invalid("The parameter messaging_product is required and must be \"whatsapp\"")
    if body.get("recipient_type", "individual") != "individual":
        raise invalid("Parameter recipient_type must be \"individual\"")
    to, recipient = body.get("to"), body.get("recipient")
    if to is not None:
        if not isinstance(to, str) or not re.fullmatch(r"\+?\d{5,20}", to.strip()):
            raise invalid("Parameter to must be a phone number (digits, optionally prefixed with +)")
        customer = to.strip().lstrip("+")
        contact = {"input": to, "wa_id": customer}
    elif recipient is not None:
        if not nonempty_str(recipient):
            raise invalid("Parameter recipient must be a non-empty string")
        customer = recipient.strip()
        contact = {"input": recipient, "user_id": customer}
    else:
        raise invalid("The parameter to is required.")
    mtype = body.get("type", "text")
    if mtype not in WA_TYPES:
        raise invalid(f"Parameter type must be one of {', '.join(WA_TYPES)}")
    if "context" in body:
        ctx = body["context"]
        if not isinstance(ctx, dict) or not nonempty_str(ctx.get("message_id")):
            raise invalid("The parameter context.message_id is required.")
    bocd = body.get("biz_opaque_callback_data")
    if bocd is not None and (not isinstance(bocd, str) or len(bocd) > 512):
        raise invalid("Parameter biz_opaque_callback_data must be a string of at most 512 characters")
    obj = body.get(mtype)
    if mtype == "contacts":
        if not isinstance(obj, list) or not obj:
            raise invalid("The parameter contacts is required.")
        for i, c in enumerate(obj):
            if not isinstance(c, dict) or not isinstance(c.get("name"), dict) or not nonempty_str(c["name"].get("formatted_name")):
                raise invalid(f"The parameter contacts[{i}].name.formatted_name is required.")
        return customer, contact, mtype
    if not isinstance(obj, dict):
        raise invalid(f"The parameter {mtype} is required.")
    if mtype == "text":
        text = obj.get("body")
        if not nonempty_str(text):
            raise invalid("The parameter text.body is required.")
        if len(text) > 4096:
            raise invalid("Parameter text.body is too long: at most 4096 characters")
        if "preview_url" in obj and not isinstance(obj["preview_url"], bool):
            raise invalid("Parameter text.preview_url must be a boolean")
    elif mtype in MEDIA_TYPES:
        has_id = obj.get("id") not in (None, "")
        has_link = obj.get("link") not in (None, "")
        if has_id == has_link:
            raise invalid(f"Parameter {mtype} must have exactly one of {mtype}.id or {mtype}.link")
        if has_link and (not isinstance(obj["link"], str) or not re.match(r"https?://", obj["link"])):
            raise invalid(f"Parameter {mtype}.link must be an http(s) URL")
        if has_id and not isinstance(obj["id"], str):
            raise invalid(f"Parameter {mtype}.id must be a string")
        cap = obj.get("caption")
        if cap is not None and (not isinstance(cap, str) or len(cap) > 1024):
            raise invalid(f"Parameter {mtype}.caption must be a string of at most 1024 characters")
    elif mtype == "location":
        for f, lim in (("latitude", 90), ("longitude", 180)):
            if not is_number(obj.get(f)):
                raise invalid(f"The parameter location.{f} is required.")
            if abs(float(obj[f])) > lim:
                raise invalid(f"Parameter location.{f} is out of range")
    elif mtype == "reaction":
        if not nonempty_str(obj.get("message_id")):
            raise invalid("The parameter reaction.message_id is required.")
        if not isinstance(obj.get("emoji"), str):
            raise invalid("The parameter reaction.emoji is required.")
    elif mtype == "interactive":
        validate_interactive(obj)
    elif mtype == "template":
        if not nonempty_str(obj.get("name")):
            raise invalid("The parameter template.name is required.")
        lang = obj.get("language")
        if not isinstance(lang, dict) or not nonempty_str(lang.get("code")):
            raise invalid("The parameter template.language.code is required.")
        comps = obj.get("components", [])
        if not isinstance(comps, list):
            raise invalid("Parameter template.components must be an array")
        for i, c in enumerate(comps):
            if not isinstance(c, dict) or not nonempty_str(c.get("type")):
                raise invalid(f"The parameter template.components[{i}].type is required.")
            params = c.get("parameters", [])
            if not isinstance(params, list):
                raise invalid(f"Parameter template.components[{i}].parameters must be an array")
            for j, p in enumerate(params):
                if not isinstance(p, dict) or not nonempty_str(p.get("type")):
                    raise invalid(f"The parameter template.components[{i}].parameters[{j}].type is required.")
                if p["type"] == "text" and not isinstance(p.get("text"), str):
                    raise invalid(f"The parameter template.components[{i}].parameters[{j}].text is required.")
    return customer, contact, mtype


def media_upload_error(details):
    return GraphFailure(400, "(#131053) Media upload error", 131053, details=details)


def check_upload(mime, part_type, data):
    """An uploaded file: a supported type (the `type` field), within its size cap, matching the file part's type and bytes."""
    family = next((f for f, (types, _) in WA_UPLOAD_TYPES.items() if mime in types), None)
    if family is None:
        raise media_upload_error(f"Param file must be a file with one of the following types: "
                                 f"{', '.join(sorted(t for types, _ in WA_UPLOAD_TYPES.values() for t in types))}. "
                                 f"Received file of type '{mime}'.")
    if part_type and part_type.split(";")[0].strip().lower() != mime:
        raise invalid(f"Param type ({mime}) does not match the file's Content-Type ({part_type})")
    if not data:
        raise media_upload_error("Uploaded file is empty")
    cap = WA_UPLOAD_TYPES[family][1]
    if len(data) > cap:
        raise media_upload_error(f"File size ({len(data)} bytes) exceeds the {family} limit of {cap} bytes")
    magic = MAGIC.get(mime)
    if magic and not any(data.startswith(m) for m in magic):
        raise media_upload_error(f"Uploaded file's content does not match its type {mime}")
    return family


def check_media_reference(pnid, mtype, obj):
    """A media message naming an id: issued by an upload of this phone number, of a type the message type takes."""
    if obj.get("id") in (None, ""):
        return
    with STATE.lock:
        blob = STATE.media.get(str(obj["id"]))
    if blob is None or blob.get("uploaded_by") != pnid:
        raise GraphFailure(400, "(#131053) Media upload error", 131053,
                           details=f"Media id {obj['id']} was not uploaded by phone number {pnid}")
    family = next((f for f, (types, _) in WA_UPLOAD_TYPES.items() if blob["mime_type"] in types), None)
    if family != mtype:
        raise invalid(f"Media id {obj['id']} is {blob['mime_type']}, which a {mtype} message cannot carry")
    if mtype in ("audio", "sticker") and "caption" in obj:
        raise invalid(f"Parameter {mtype}.caption is not allowed")
    if mtype != "document" and "filename" in obj:
        raise invalid(f"Parameter {mtype}.filename is only for documents")


def fetch_url(url, limit=30 * 1000 * 1000):
    """GETs `url` the way Meta fetches an attachment (hosts mapped by the `resolve` setting); (status, content type, bytes)."""
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    with STATE.lock:
        address = next((a for suffix, a in STATE.resolve.items() if host == suffix or host.endswith("." + suffix)), None)
    target = url
    headers = {"User-Agent": "facebookexternalhit/1.1"}
    if address:
        netloc = address + (f":{parts.port}" if parts.port else "")
        target = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
        headers["Host"] = parts.netloc
    try:
        with NO_PROXY_OPENER.open(urllib.request.Request(target, headers=headers), timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read(limit + 1)
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), b""
    except (urllib.error.URLError, OSError) as e:
        return 0, "", str(e).encode()


def validate_interactive(obj):
    itype = obj.get("type")
    if itype not in ("button", "list"):
        raise invalid("Parameter interactive.type must be \"button\" or \"list\"")
    body = obj.get("body")
    if not isinstance(body, dict) or not nonempty_str(body.get("text")):
        raise invalid("The parameter interactive.body.text is required.")
    if len(body["text"]) > (1024 if itype == "button" else 4096):
        raise invalid("Parameter interactive.body.text is too long")
    action = obj.get("action")
    if not isinstance(action, dict):
        raise invalid("The parameter interactive.action is required.")
    if itype == "button":
        buttons = action.get("buttons")
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
            raise invalid("Parameter interactive.action.buttons must have 1 to 3 buttons")
        ids, titles = set(), set()
        for i, b in enumerate(buttons):
            reply = b.get("reply") if isinstance(b, dict) else None
            if not isinstance(b, dict) or b.get("type") != "reply" or not isinstance(reply, dict):
                raise invalid(f"Parameter interactive.action.buttons[{i}] must be {{\"type\":\"reply\",\"reply\":{{...}}}}")
            if not nonempty_str(reply.get("id")) or len(reply["id"]) > 256:
                raise invalid(f"The parameter interactive.action.buttons[{i}].reply.id is required (at most 256 characters).")
            if not nonempty_str(reply.get("title")) or len(reply["title"]) > 20:
                raise invalid(f"Parameter interactive.action.buttons[{i}].reply.title is required and at most 20 characters")
            if reply["id"] in ids or reply["title"] in titles:
                raise invalid("Parameter interactive.action.buttons: button ids and titles must be unique")
            ids.add(reply["id"])
            titles.add(reply["title"])
    else:
        if not nonempty_str(action.get("button")) or len(action["button"]) > 20:
            raise invalid("Parameter interactive.action.button is required and at most 20 characters")
        sections = action.get("sections")
        if not isinstance(sections, list) or not 1 <= len(sections) <= 10:
            raise invalid("Parameter interactive.action.sections must have 1 to 10 sections")
        ids, total = set(), 0
        for i, s in enumerate(sections):
            if not isinstance(s, dict):
                raise invalid(f"Parameter interactive.action.sections[{i}] must be an object")
            if len(sections) > 1 and (not nonempty_str(s.get("title")) or len(s["title"]) > 24):
                raise invalid(f"Parameter interactive.action.sections[{i}].title is required with several sections (at most 24 characters)")
            rows = s.get("rows")
            if not isinstance(rows, list) or not rows:
                raise invalid(f"Parameter interactive.action.sections[{i}].rows must be a non-empty array")
            for j, r in enumerate(rows):
                if not isinstance(r, dict) or not nonempty_str(r.get("id")) or len(r["id"]) > 200:
                    raise invalid(f"The parameter interactive.action.sections[{i}].rows[{j}].id is required (at most 200 characters).")
                if not nonempty_str(r.get("title")) or len(r["title"]) > 24:
                    raise invalid(f"Parameter interactive.action.sections[{i}].rows[{j}].title is required and at most 24 characters")
                if "description" in r and (not isinstance(r["description"], str) or len(r["description"]) > 72):
                    raise invalid(f"Parameter interactive.action.sections[{i}].rows[{j}].description must be a string of at most 72 characters")
                if r["id"] in ids:
                    raise invalid("Parameter interactive.action.sections: row ids must be unique")
                ids.add(r["id"])
                total += 1
        if total > 10:
            raise invalid("Parameter interactive.action.sections: at most 10 rows in total")


def check_template(waba_id, tpl_req):
    """The template must be registered for the WABA, APPROVED, and get as many body parameters as placeholders."""
    name, code = tpl_req["name"], tpl_req["language"]["code"]
    with STATE.lock:
        found = next((t for t in STATE.templates.get(waba_id, []) if t["name"] == name and t["language"] == code), None)
    if found is None:
        raise GraphFailure(404, "(#132001) Template name does not exist in the translation", 132001,
                           details=f"template name ({name}) does not exist in {code}")
    status = str(found.get("status", "")).upper()
    if status == "PAUSED":
        raise GraphFailure(400, "(#132015) Template is Paused", 132015, details=f"template {name} is paused")
    if status == "DISABLED":
        raise GraphFailure(400, "(#132016) Template has been disabled", 132016, details=f"template {name} is disabled")
    if status != "APPROVED":
        raise GraphFailure(404, "(#132001) Template name does not exist in the translation", 132001,
                           details=f"template name ({name}) does not exist in {code} (status {status})")
    body_text = next((c.get("text", "") for c in found["components"] if str(c.get("type", "")).upper() == "BODY"), "")
    expected = len(placeholders(body_text))
    given = 0
    for c in tpl_req.get("components", []):
        if str(c.get("type", "")).lower() == "body":
            given += len(c.get("parameters", []))
    if given != expected:
        raise GraphFailure(400, "(#132000) Number of parameters does not match the expected number of params", 132000,
                           details=f"body: number of localizable_params ({given}) does not match the expected number of params ({expected})")
    return found


def validate_ig_message(body):
    """Checks an Instagram Send API body; returns (recipient id, messaging_type, tag, is_sender_action)."""
    if not isinstance(body, dict):
        raise invalid("Request body must be a JSON object", whatsapp=False)
    recipient = body.get("recipient")
    if not isinstance(recipient, dict) or recipient.get("id") in (None, "") or not isinstance(recipient.get("id"), (str, int)):
        raise invalid("The parameter recipient is required", whatsapp=False)
    rid = str(recipient["id"])
    message, action = body.get("message"), body.get("sender_action")
    if message is not None and action is not None:
        raise invalid("Only one of message or sender_action may be set", whatsapp=False)
    if message is None and action is None:
        raise invalid("The parameter message is required", whatsapp=False)
    mtype = body.get("messaging_type", "RESPONSE")
    tag = body.get("tag")
    if mtype not in ("RESPONSE", "UPDATE", "MESSAGE_TAG"):
        raise invalid("Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}", whatsapp=False)
    if mtype == "MESSAGE_TAG" and tag != "HUMAN_AGENT":
        raise invalid("Param tag must be HUMAN_AGENT when messaging_type is MESSAGE_TAG", whatsapp=False)
    if action is not None:
        if action not in IG_SENDER_ACTIONS:
            raise invalid("Param sender_action must be one of {typing_on, typing_off, mark_seen}", whatsapp=False)
        return rid, mtype, tag, True
    if not isinstance(message, dict):
        raise invalid("Param message must be an object", whatsapp=False)
    text, att = message.get("text"), message.get("attachment")
    if text is not None and att is not None:
        raise invalid("Only one of message[text] or message[attachment] may be set", whatsapp=False)
    if text is not None:
        if not nonempty_str(text):
            raise invalid("Param message[text] must be a non-empty UTF-8 encoded string", whatsapp=False)
        if len(text.encode("utf-8")) > 1000:
            raise invalid("Length of param message[text] must be less than or equal to 1000", whatsapp=False)
    elif att is not None:
        if not isinstance(att, dict) or att.get("type") not in IG_ATTACHMENT_TYPES:
            raise invalid("Param message[attachment][type] must be one of {image, video, audio, file}", whatsapp=False)
        payload = att.get("payload")
        if not isinstance(payload, dict):
            raise invalid("The parameter message[attachment][payload] is required", whatsapp=False)
        url = payload.get("url")
        if payload.get("attachment_id") in (None, ""):
            if not isinstance(url, str) or not re.match(r"https?://", url):
                raise invalid("Param message[attachment][payload][url] must be a valid URL", whatsapp=False)
    else:
        raise invalid("Param message must contain text or attachment", whatsapp=False)
    return rid, mtype, tag, False


def parse_multipart(body, content_type):
    m = re.search(r'boundary="?([^";]+)"?', content_type or "")
    if not m:
        return None
    boundary = b"--" + m.group(1).encode()
    fields = {}
    for part in body.split(boundary)[1:]:
        if part.startswith(b"--"):
            break
        if part.startswith(b"\r\n"):
            part = part[2:]
        head, _, data = part.partition(b"\r\n\r\n")
        if data.endswith(b"\r\n"):
            data = data[:-2]
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        disp = headers.get("content-disposition", "")
        nm = re.search(r'(?:^|;)\s*name="([^"]*)"', disp)
        fn = re.search(r'filename="([^"]*)"', disp)
        if nm:
            fields[nm.group(1)] = {"data": data, "filename": fn.group(1) if fn else None,
                                   "content_type": headers.get("content-type")}
    return fields


# --- HTTP handler ------------------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeMeta/1.0"

    def log_message(self, fmt, *args):
        log(f"{self.address_string()} {fmt % args}")

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_DELETE(self):
        self.dispatch("DELETE")

    # --- plumbing ---

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send_bytes(self, status, data, content_type, extra=None):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            log(f"client went away before the answer to {self.command} {self.path}")

    def send_json(self, status, obj, extra=None):
        self.send_bytes(status, json.dumps(obj).encode(), "application/json; charset=UTF-8", extra)

    def json_body(self):
        if not self.raw:
            return None
        ctype = self.headers.get("Content-Type", "")
        if "application/x-www-form-urlencoded" in ctype:
            out = {}
            for k, v in urllib.parse.parse_qsl(self.raw.decode("utf-8", "replace"), keep_blank_values=True):
                try:
                    out[k] = json.loads(v) if v[:1] in "{[" else v
                except ValueError:
                    out[k] = v
            return out
        try:
            return json.loads(self.raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None

    def bearer(self):
        h = self.headers.get("Authorization", "")
        return h[7:].strip() if h[:7].lower() == "bearer " else None

    def record(self, kind, auth_ok, body, status, response, **extra):
        entry = {"seq": self.seq, "kind": kind, "method": self.command, "path": self.url.path, "query": self.query,
                 "authorization_ok": auth_ok, "body": body, "status": status, "response": response, "time": now()}
        entry.update(extra)
        with STATE.lock:
            STATE.requests.append(entry)

    def graph_answer(self, kind, auth_ok, body, status, response, hang=0.0, **extra):
        self.record(kind, auth_ok, body, status, response, **({"hang_seconds": hang} if hang else {}), **extra)
        if hang:
            log(f"hanging {hang}s before answering {self.command} {self.url.path}")
            time.sleep(hang)
        headers = {"x-fb-trace-id": fbtrace()}
        if isinstance(response, dict) and "error" in response:
            headers["www-authenticate"] = 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"' \
                if response["error"].get("code") == 190 else 'OAuth "Facebook Platform" "invalid_request"'
        self.send_json(status, response, headers)

    def fail_answer(self, kind, auth_ok, body, failure, whatsapp):
        self.graph_answer(kind, auth_ok, body, failure.status, failure.body(whatsapp))

    def dispatch(self, method):
        self.seq = next(SEQ)
        self.url = urllib.parse.urlsplit(self.path)
        self.query = dict(urllib.parse.parse_qsl(self.url.query, keep_blank_values=True))
        try:
            self.raw = self.read_body()
            path = self.url.path
            if path.startswith("/_fake/") or path == "/_fake":
                return self.control(method, path)
            if path.startswith("/_media/"):
                return self.media_download(path[len("/_media/"):])
            m = re.match(r"^/v\d+(?:\.\d+)?(/.*)?$", path)
            self.graph(method, (m.group(1) or "/") if m else path)
        except ControlError as e:
            self.send_json(e.status, {"error": e.message})
        except Exception as e:
            traceback.print_exc(file=sys.stderr)
            self.send_json(500, graph_error(f"fake_meta internal error: {type(e).__name__}: {e}", 1, etype="FakeMetaError"))

    # --- Graph routing ---

    def graph(self, method, gpath):
        parts = [urllib.parse.unquote(p) for p in gpath.split("/") if p]
        if method == "POST" and len(parts) == 2 and parts[1] == "messages":
            obj = parts[0]
            if obj == "me" or obj in STATE.ig:
                return self.ig_send(obj)
            if obj in STATE.wa:
                return self.wa_send(obj)
            token = self.bearer() or self.query.get("access_token")
            kind = "instagram_send" if any(a["access_token"] == token for a in STATE.ig.values()) else "whatsapp_send"
            return self.unknown_object(kind, method, obj)
        if method == "POST" and len(parts) == 2 and parts[1] == "media":
            return self.media_upload(parts[0])
        if method == "GET" and len(parts) == 2 and parts[1] == "message_templates":
            return self.templates(parts[0])
        if method in ("GET", "DELETE") and len(parts) == 1:
            return self.media_lookup(parts[0], method)
        return self.unknown_object("unknown", method, "/".join(parts))

    def any_token_ok(self, token):
        with STATE.lock:
            return token is not None and (any(a["access_token"] == token for a in STATE.wa.values())
                                          or any(a["access_token"] == token for a in STATE.ig.values()))

    def auth_failure(self, kind, body, whatsapp):
        token = self.bearer() if whatsapp else (self.bearer() or self.query.get("access_token"))
        msg = "Invalid OAuth access token - Cannot parse access token" if token else \
            "An active access token must be used to query information about the current user."
        self.graph_answer(kind, False, body, 401, graph_error(msg, 190))

    def unknown_object(self, kind, method, obj):
        token = self.bearer() or self.query.get("access_token")
        body = self.json_body()
        if not self.any_token_ok(token):
            return self.auth_failure(kind, body, whatsapp=False)
        self.graph_answer(kind, True, body, 400, graph_error(
            f"Unsupported {method.lower()} request. Object with ID '{obj}' does not exist, cannot be loaded due to "
            "missing permissions, or does not support this operation. Please read the Graph API documentation at "
            "https://developers.facebook.com/docs/graph-api", 100, subcode=33, etype="GraphMethodException"))

    # --- WhatsApp send ---

    def wa_send(self, pnid):
        kind = "whatsapp_send"
        acct = STATE.wa[pnid]
        body = self.json_body()
        if self.bearer() != acct["access_token"]:
            return self.auth_failure(kind, body, whatsapp=True)
        inj = STATE.take(STATE.fail, kind)
        if inj:
            return self.fail_answer(kind, True, body, self.injected(inj), True)
        try:
            if body is None:
                raise invalid("Request body must be JSON")
            if isinstance(body, dict) and body.get("status") in ("read",) and "type" not in body and "to" not in body:
                # Mark an inbound message as read (optionally with a typing indicator).
                if body.get("messaging_product") != "whatsapp":
                    raise invalid("The parameter messaging_product is required and must be \"whatsapp\"")
                if not nonempty_str(body.get("message_id")):
                    raise invalid("The parameter message_id is required.")
                return self.graph_answer(kind, True, body, 200, {"success": True}, mark_read=True)
            customer, contact, mtype = validate_wa_message(body)
            if mtype in MEDIA_TYPES:
                check_media_reference(pnid, mtype, body[mtype])
            template = check_template(acct["waba_id"], body["template"]) if mtype == "template" else None
            if mtype != "template":
                last = STATE.last_inbound("whatsapp", pnid, customer)
                if last is None or now() - last > DAY:
                    raise GraphFailure(400, "(#131047) Re-engagement message", 131047, details=(
                        "Message failed to send because more than 24 hours have passed since the customer last "
                        "replied to this number."))
        except GraphFailure as f:
            return self.fail_answer(kind, True, body, f, True)
        wamid = new_wamid()
        response = {"messaging_product": "whatsapp", "contacts": [contact], "messages": [{"id": wamid}]}
        with STATE.lock:
            category = str(template.get("category", "UTILITY")).lower() if template else "service"
            record = {"kind": kind, "channel": "whatsapp", "account": pnid, "customer": customer, "type": mtype,
                      "message_id": wamid, "body": body, "time": now(), "status_delay": STATE.status_delay,
                      "biz_opaque_callback_data": body.get("biz_opaque_callback_data"),
                      "pricing_category": category, "conversation_id": rand_alnum(32, "0123456789abcdef")}
            STATE.sent.append(record)
            auto = STATE.auto_status
        hang = STATE.take(STATE.hang, kind)
        if auto:
            threading.Thread(target=status_sequence, args=(dict(acct), record), daemon=True).start()
        self.graph_answer(kind, True, body, 200, response, hang=float(hang["seconds"]) if hang else 0.0)

    def injected(self, spec):
        code = int(spec.get("code", 131000))
        title = spec.get("message") or DEFAULT_ERROR_TITLES.get(code, "Something went wrong")
        msg = title if title.startswith("(#") else f"(#{code}) {title}"
        return GraphFailure(int(spec.get("status", 500)), msg, code, spec.get("subcode"),
                            details=spec.get("details") or title)

    # --- Instagram send ---

    def ig_send(self, obj):
        kind = "instagram_send"
        token = self.bearer() or self.query.get("access_token")
        body = self.json_body()
        with STATE.lock:
            if obj == "me":
                acct = next((a for a in STATE.ig.values() if a["access_token"] == token), None)
            else:
                acct = STATE.ig.get(obj)
                if acct and acct["access_token"] != token:
                    acct = None
        if acct is None:
            return self.auth_failure(kind, body, whatsapp=False)
        inj = STATE.take(STATE.fail, kind)
        if inj:
            return self.fail_answer(kind, True, body, self.injected(inj), False)
        try:
            if body is None:
                raise invalid("Request body must be JSON", whatsapp=False)
            rid, mtype, tag, is_action = validate_ig_message(body)
            last = STATE.last_inbound("instagram", acct["ig_id"], rid)
            limit = 7 * DAY if (mtype == "MESSAGE_TAG" and tag == "HUMAN_AGENT") else DAY
            if last is None or now() - last > limit:
                raise GraphFailure(400, "(#10) This message is sent outside of allowed window.", 10, subcode=2018278)
        except GraphFailure as f:
            return self.fail_answer(kind, True, body, f, False)
        if is_action:
            return self.graph_answer(kind, True, body, 200, {"recipient_id": rid}, sender_action=True)
        fetched = None
        att = body["message"].get("attachment")
        if att is not None and att["payload"].get("url"):
            status, ctype, data = fetch_url(att["payload"]["url"])
            ctype = ctype.split(";")[0].strip().lower()
            fetched = {"status": status, "content_type": ctype, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            if status != 200 or not data or not ctype.startswith(IG_FETCH_TYPES[att["type"]]):
                return self.fail_answer(kind, True, body, GraphFailure(
                    400, "(#100) Upload attachment failure.", 100, subcode=2018047,
                    details=f"fetching {att['payload']['url']} gave HTTP {status}, {ctype or 'no type'}, {len(data)} bytes"), False)
        mid = "m_" + rand_alnum(40, string.ascii_letters + string.digits + "-_")
        with STATE.lock:
            STATE.sent.append({"kind": kind, "channel": "instagram", "account": acct["ig_id"], "customer": rid,
                               "message_id": mid, "body": body, "time": now(), "messaging_type": mtype, "tag": tag,
                               "fetched": fetched})
        hang = STATE.take(STATE.hang, kind)
        self.graph_answer(kind, True, body, 200, {"recipient_id": rid, "message_id": mid},
                          hang=float(hang["seconds"]) if hang else 0.0)

    # --- media ---

    def wa_token_ok(self, token):
        with STATE.lock:
            return token is not None and any(a["access_token"] == token for a in STATE.wa.values())

    def media_lookup(self, media_id, method):
        kind = "media"
        token = self.bearer()
        if not self.wa_token_ok(token):
            return self.auth_failure(kind, None, whatsapp=True)
        inj = STATE.take(STATE.fail, kind)
        if inj:
            return self.fail_answer(kind, True, None, self.injected(inj), True)
        with STATE.lock:
            blob = STATE.media.get(media_id)
            if blob and method == "DELETE":
                del STATE.media[media_id]
            ttl = STATE.media_url_ttl
        if blob is None:
            return self.graph_answer(kind, True, None, 400, graph_error(
                f"Unsupported get request. Object with ID '{media_id}' does not exist, cannot be loaded due to "
                "missing permissions, or does not support this operation.", 100, subcode=33,
                details=f"Media id {media_id} not found", etype="GraphMethodException"))
        if method == "DELETE":
            return self.graph_answer(kind, True, None, 200, {"success": True})
        expires = int(now() + ttl)
        sig = hmac.new(URL_SECRET, f"{media_id}:{expires}:{token}".encode(), hashlib.sha256).hexdigest()
        host = self.headers.get("Host") or "%s:%d" % self.server.server_address[:2]
        url = f"http://{host}/_media/{urllib.parse.quote(media_id)}?expires={expires}&sig={sig}"
        self.graph_answer(kind, True, None, 200, {
            "messaging_product": "whatsapp", "url": url, "mime_type": blob["mime_type"], "sha256": blob["sha256"],
            "file_size": len(blob["bytes"]), "id": media_id})

    def media_download(self, media_id):
        kind = "media_download"
        media_id = urllib.parse.unquote(media_id)
        token = self.bearer()

        def answer(status, obj):
            self.record(kind, auth_ok, None, status, obj, media_id=media_id)
            self.send_json(status, obj)

        auth_ok = self.wa_token_ok(token)
        if not auth_ok:
            return answer(401, graph_error("Invalid OAuth access token - Cannot parse access token", 190))
        try:
            expires = int(self.query.get("expires", ""))
        except ValueError:
            expires = -1
        sig = hmac.new(URL_SECRET, f"{media_id}:{expires}:{token}".encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(sig, self.query.get("sig", "")):
            return answer(403, {"error": "URL signature invalid (or the URL was issued to another token)"})
        if now() > expires:
            return answer(404, {"error": "URL expired"})
        with STATE.lock:
            blob = STATE.media.get(media_id)
            fail = STATE.media_fail.get(media_id)
            mode = None
            if fail and fail["count"] > 0:
                fail["count"] -= 1
                mode = fail["mode"]
        if blob is None:
            return answer(404, {"error": "media not found"})
        if mode == "error":
            return answer(500, {"error": "injected download failure"})
        data = blob["bytes"]
        if mode == "corrupt":
            data = bytes(b ^ 0xFF for b in data[:16]) + data[16:] if data else b"\x00"
        elif mode == "truncate":
            data = data[: len(data) // 2]
        self.record(kind, True, None, 200, {"bytes": len(data), "mode": mode}, media_id=media_id)
        self.send_bytes(200, data, blob["mime_type"])

    def media_upload(self, pnid):
        kind = "media_upload"
        acct = STATE.wa.get(pnid)
        token = self.bearer()
        if acct is None:
            return self.unknown_object(kind, "POST", pnid)
        if token != acct["access_token"]:
            return self.auth_failure(kind, None, whatsapp=True)
        inj = STATE.take(STATE.fail, kind)
        if inj:
            return self.fail_answer(kind, True, None, self.injected(inj), True)
        fields = parse_multipart(self.raw, self.headers.get("Content-Type", ""))
        summary = None if fields is None else {k: (v["data"].decode("utf-8", "replace") if v["filename"] is None
                                                   else {"filename": v["filename"], "bytes": len(v["data"])})
                                               for k, v in fields.items()}
        try:
            if fields is None:
                raise invalid("Request body must be multipart/form-data")
            if fields.get("messaging_product", {}).get("data") != b"whatsapp":
                raise invalid("The parameter messaging_product is required and must be \"whatsapp\"")
            if "file" not in fields:
                raise invalid("The parameter file is required.")
            mime = (fields.get("type", {}).get("data") or b"").decode()
            if not mime:
                raise invalid("The parameter type is required.")
            data = fields["file"]["data"]
            check_upload(mime, fields["file"]["content_type"], data)
        except GraphFailure as f:
            return self.fail_answer(kind, True, summary, f, True)
        media_id, _ = STATE.add_media(data, mime, uploaded_by=pnid)
        self.graph_answer(kind, True, summary, 200, {"id": media_id})

    # --- templates ---

    def templates(self, waba_id):
        kind = "templates"
        token = self.bearer()
        with STATE.lock:
            accts = [a for a in STATE.wa.values() if a["waba_id"] == waba_id]
            tpls = list(STATE.templates.get(waba_id, []))
        if not accts and waba_id not in STATE.templates:
            if not self.wa_token_ok(token):
                return self.auth_failure(kind, None, whatsapp=True)
            return self.unknown_object(kind, "GET", waba_id)
        if not any(a["access_token"] == token for a in accts):
            return self.auth_failure(kind, None, whatsapp=True)
        inj = STATE.take(STATE.fail, kind)
        if inj:
            return self.fail_answer(kind, True, None, self.injected(inj), True)
        for f in ("name", "status", "category", "language"):
            if self.query.get(f):
                tpls = [t for t in tpls if str(t.get(f, "")).upper() == self.query[f].upper()]
        try:
            limit = int(self.query.get("limit", 25))
            start = int(base64.urlsafe_b64decode(self.query["after"].encode()).decode()) + 1 if self.query.get("after") else 0
            if limit < 1:
                raise ValueError
        except (ValueError, UnicodeDecodeError):
            return self.graph_answer(kind, True, None, 400, graph_error("(#100) Invalid parameter", 100,
                                                                          details="Invalid limit or after cursor"))
        page = tpls[start:start + limit]
        cursor = lambda i: base64.urlsafe_b64encode(str(i).encode()).decode()
        response = {"data": [{"name": t["name"], "language": t["language"], "status": t["status"],
                              "category": t["category"], "id": t["id"], "components": t["components"]} for t in page]}
        if page:
            response["paging"] = {"cursors": {"before": cursor(start), "after": cursor(start + len(page) - 1)}}
            if start + len(page) < len(tpls):
                host = self.headers.get("Host") or "%s:%d" % self.server.server_address[:2]
                q = dict(self.query, after=cursor(start + len(page) - 1), limit=str(limit))
                response["paging"]["next"] = f"http://{host}{self.url.path}?{urllib.parse.urlencode(q)}"
        else:
            response["paging"] = {"cursors": {}}
        self.graph_answer(kind, True, None, 200, response)

    # --- control API ---

    def control(self, method, path):
        body = {}
        if self.raw:
            try:
                body = json.loads(self.raw.decode("utf-8"))
            except ValueError:
                raise ControlError(400, "control API expects a JSON body")
        route = path[len("/_fake"):].rstrip("/")
        if method == "GET":
            with STATE.lock:
                if route == "/requests":
                    kind = self.query.get("kind")
                    reqs = sorted((r for r in STATE.requests if not kind or r["kind"] == kind), key=lambda r: r["seq"])
                    return self.send_json(200, {"requests": reqs})
                if route == "/sent":
                    channel = self.query.get("channel")
                    sent = [{k: v for k, v in s.items() if k not in ("status_delay", "conversation_id")}
                            for s in STATE.sent if not channel or s["channel"] == channel]
                    return self.send_json(200, {"sent": sent})
                if route == "/webhooks":
                    kind = self.query.get("kind")
                    return self.send_json(200, {"webhooks": [w for w in STATE.webhooks if not kind or w["kind"] == kind]})
                if route == "/state":
                    return self.send_json(200, {
                        "whatsapp_accounts": list(STATE.wa.values()), "instagram_accounts": list(STATE.ig.values()),
                        "templates": STATE.templates,
                        "media": {k: {"mime_type": v["mime_type"], "sha256": v["sha256"], "file_size": len(v["bytes"])}
                                  for k, v in STATE.media.items()},
                        "windows": [{"channel": c, "account": a, "customer": u, "last_inbound_unix": t}
                                    for (c, a, u), t in STATE.windows.items()],
                        "auto_status": {"enabled": STATE.auto_status, "delay_seconds": STATE.status_delay},
                        "media_url_ttl_seconds": STATE.media_url_ttl, "fail": STATE.fail, "hang": STATE.hang})
            raise ControlError(404, f"unknown control route GET {path}")
        if method != "POST":
            raise ControlError(405, "control API uses GET and POST")
        if route == "/reset":
            STATE.reset()
            if body.get("reload_config"):
                STATE.apply_config(STATE.config)
            return self.send_json(200, {"ok": True})
        if route == "/whatsapp/accounts":
            return self.send_json(200, STATE.add_wa(body))
        if route == "/instagram/accounts":
            return self.send_json(200, STATE.add_ig(body))
        if route == "/templates":
            return self.send_json(200, {"templates": STATE.add_templates(body)})
        if route == "/media":
            need(body, "base64")
            try:
                data = base64.b64decode(body["base64"], validate=True)
            except ValueError:
                raise ControlError(400, "base64 does not decode")
            media_id, sha = STATE.add_media(data, body.get("mime_type", "application/octet-stream"), body.get("id"))
            return self.send_json(200, {"id": media_id, "sha256": sha, "file_size": len(data)})
        m = re.fullmatch(r"/media/([^/]+)/fail", route)
        if m:
            media_id = urllib.parse.unquote(m.group(1))
            mode = body.get("mode", "error")
            if mode not in ("error", "corrupt", "truncate"):
                raise ControlError(400, "mode must be error, corrupt or truncate")
            with STATE.lock:
                if media_id not in STATE.media:
                    raise ControlError(404, f"unknown media {media_id}")
                STATE.media_fail[media_id] = {"count": int(body.get("count", 1)), "mode": mode}
            return self.send_json(200, {"ok": True})
        if route == "/fail":
            need(body, "endpoint")
            spec = {"count": int(body.get("count", 1)), "status": int(body.get("status", 500)),
                    "code": int(body.get("code", 131000))}
            for k in ("message", "subcode", "details"):
                if body.get(k) is not None:
                    spec[k] = body[k]
            with STATE.lock:
                STATE.fail[body["endpoint"]] = spec
            return self.send_json(200, {"ok": True, "fail": spec})
        if route == "/hang":
            need(body, "endpoint", "seconds")
            with STATE.lock:
                STATE.hang[body["endpoint"]] = {"seconds": float(body["seconds"]), "count": int(body.get("count", 1))}
            return self.send_json(200, {"ok": True})
        if route == "/auto_status":
            with STATE.lock:
                if "enabled" in body:
                    STATE.auto_status = bool(body["enabled"])
                if "delay_seconds" in body:
                    STATE.status_delay = float(body["delay_seconds"])
                return self.send_json(200, {"enabled": STATE.auto_status, "delay_seconds": STATE.status_delay})
        if route == "/settings":
            STATE.apply_config({k: v for k, v in body.items() if k in ("media_url_ttl_seconds", "webhook_timeout_seconds", "resolve")})
            return self.send_json(200, {"media_url_ttl_seconds": STATE.media_url_ttl,
                                        "webhook_timeout_seconds": STATE.webhook_timeout, "resolve": STATE.resolve})
        if route == "/window":
            need(body, "channel", "account", "customer")
            if body["channel"] not in ("whatsapp", "instagram"):
                raise ControlError(400, "channel must be whatsapp or instagram")
            customer = str(body["customer"])
            if body["channel"] == "whatsapp" and re.fullmatch(r"\+?\d+", customer):
                customer = customer.lstrip("+")
            STATE.set_window(body["channel"], body["account"], customer, body.get("last_inbound_unix"))
            return self.send_json(200, {"ok": True})
        if route == "/whatsapp/webhook":
            return self.send_json(200, self.control_wa_webhook(body))
        if route == "/instagram/webhook":
            return self.send_json(200, self.control_ig_webhook(body))
        raise ControlError(404, f"unknown control route POST {path}")

    def control_wa_webhook(self, spec):
        need(spec, "phone_number_id")
        acct = STATE.wa.get(str(spec["phone_number_id"]))
        if acct is None:
            raise ControlError(404, f"unknown phone_number_id {spec['phone_number_id']}")
        if spec.get("body") is not None:
            body = spec["body"]
        else:
            value = {}
            messages = [dict(m) for m in spec.get("messages") or []]
            for m in messages:
                m.setdefault("id", new_wamid())
                m.setdefault("timestamp", str(int(now())))
                m.setdefault("type", "text")
            contacts = spec.get("contacts")
            if contacts is None and messages:
                seen, contacts = [], []
                for m in messages:
                    if m.get("from") and m["from"] not in seen:
                        seen.append(m["from"])
                        contacts.append({"profile": {"name": f"Customer {m['from'][-4:]}"}, "wa_id": m["from"]})
            if contacts:
                value["contacts"] = contacts
            if messages:
                value["messages"] = messages
            if spec.get("statuses"):
                value["statuses"] = spec["statuses"]
            if spec.get("errors"):
                value["errors"] = spec["errors"]
            body = wa_envelope(acct, value)
        for entry in body.get("entry", []) if isinstance(body, dict) else []:
            for change in entry.get("changes", []):
                for m in (change.get("value") or {}).get("messages", []) or []:
                    for who in (m.get("from"), m.get("from_user_id")):
                        if who:
                            STATE.set_window("whatsapp", acct["phone_number_id"], str(who).lstrip("+"), now())
        raw = spec["raw_body"].encode() if isinstance(spec.get("raw_body"), str) else encode_webhook(body)
        entry = post_webhook("whatsapp_inbound", spec.get("url") or acct["webhook_url"], raw, acct["app_secret"],
                             spec.get("signature", "valid"))
        return {"status": entry["status"], "body": entry["response"], "elapsed_ms": entry["elapsed_ms"],
                "error": entry["error"], "sent": json.loads(raw)}

    def control_ig_webhook(self, spec):
        need(spec, "ig_id")
        acct = STATE.ig.get(str(spec["ig_id"]))
        if acct is None:
            raise ControlError(404, f"unknown ig_id {spec['ig_id']}")
        if spec.get("body") is not None:
            body = spec["body"]
        else:
            events = []
            for ev in spec.get("messaging") or []:
                ev = json.loads(json.dumps(ev))
                ev.setdefault("recipient", {"id": acct["ig_id"]})
                ev.setdefault("timestamp", int(now() * 1000))
                if isinstance(ev.get("message"), dict):
                    ev["message"].setdefault("mid", "aWdfZAG1faXRlbToxOklH" + rand_alnum(40))
                events.append(ev)
            body = {"object": "instagram", "entry": [{"id": acct["ig_id"], "time": int(now() * 1000), "messaging": events}]}
        for entry in body.get("entry", []) if isinstance(body, dict) else []:
            for ev in entry.get("messaging", []) or []:
                msg = ev.get("message")
                sender = (ev.get("sender") or {}).get("id")
                if sender and isinstance(msg, dict) and not msg.get("is_echo"):
                    STATE.set_window("instagram", acct["ig_id"], str(sender), now())
        raw = spec["raw_body"].encode() if isinstance(spec.get("raw_body"), str) else encode_webhook(body)
        entry = post_webhook("instagram_inbound", spec.get("url") or acct["webhook_url"], raw, acct["app_secret"],
                             spec.get("signature", "valid"))
        return {"status": entry["status"], "body": entry["response"], "elapsed_ms": entry["elapsed_ms"],
                "error": entry["error"], "sent": json.loads(raw)}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main(argv):
    ap = argparse.ArgumentParser(description="Local fake of Meta's Graph API (WhatsApp Cloud API + Instagram Messaging)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--config", help="JSON file: whatsapp_accounts, instagram_accounts, templates, media, auto_status, media_url_ttl_seconds")
    args = ap.parse_args(argv)
    if args.config:
        with open(args.config) as f:
            STATE.config = json.load(f)
        STATE.apply_config(STATE.config)
    server = Server((args.host, args.port), Handler)

    def stop(signum, frame):
        log(f"signal {signum}: stopping")
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sys.stdout.write(json.dumps({"port": server.server_address[1]}) + "\n")
    sys.stdout.flush()
    log(f"listening on {args.host}:{server.server_address[1]}")
    try:
        server.serve_forever(poll_interval=0.5)
    finally:
        server.server_close()
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
