"""Reads one email the way a customer's mail client would, for the outbound email tests.

    mail_inspect.py FILE [RECORD]

Parses FILE with Python's email package (policy.default) and prints JSON: the threading and address headers, the
content types of all parts in walk() order, the plain and HTML bodies, attachment names, and, when RECORD (the DKIM
DNS TXT record for the signature's selector and domain) is given, whether dkimpy verifies the DKIM signature.
"""
import email
import email.policy
import json
import sys

import dkim


def main(argv):
    with open(argv[0], "rb") as handle:
        data = handle.read()
    msg = email.message_from_bytes(data, policy=email.policy.default)
    out = {name: (str(msg[name]) if msg[name] is not None else None)
           for name in ("subject", "from", "to", "cc", "bcc", "reply-to", "message-id", "in-reply-to", "references",
                        "auto-submitted", "x-glavito-loop", "date", "mime-version")}
    out["types"] = [part.get_content_type() for part in msg.walk()]
    plain = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    out["text"] = plain.get_content() if plain is not None else None
    out["html"] = html.get_content() if html is not None else None
    out["attachments"] = [part.get_filename() for part in msg.iter_attachments()]
    out["defects"] = [str(d) for part in msg.walk() for d in part.defects]
    if len(argv) > 1:
        record = argv[1].encode()
        out["dkim"] = bool(dkim.verify(data, dnsfunc=lambda name, timeout=5: record))
    json.dump(out, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
