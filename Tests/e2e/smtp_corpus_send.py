"""Sends mail to Glavito's SMTP listener with Python's smtplib and prints what Python's email package reads from
each message, for Tests/ControlPlaneTests/Mail/EmailInboundTests.swift.

    smtp_corpus_send.py PORT RECIPIENT BUILT_DIR

Sends every msg_*.txt of CPython's email test corpus, then the messages this script builds into BUILT_DIR (RFC 2047
subjects in several charsets, RFC 2231 file names, ISO-2022-JP and Windows-1252 bodies). Prints a JSON array: per
message the file, the SMTP outcome (code of the final reply or the refusal), the SHA-256 of the bytes as they
travel (line endings as CRLF, which smtplib sends), and email_expect.py's fields (subject, from, text, attachments).
A message whose Message-ID was sent before is sent again and marked "repeat" (Glavito must store it once).
"""
import email
import email.policy
import hashlib
import json
import os
import smtplib
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import email_expect  # noqa: E402


def build(directory):
    os.makedirs(directory, exist_ok=True)
    messages = {
        "built_2047_latin1.eml": (b"From: =?iso-8859-1?q?J=F6rg_M=FCller?= <joerg@example.de>\r\nTo: support@example.com\r\n"
                                  b"Subject: =?iso-8859-1?q?Gr=FC=DFe_aus_M=FCnchen?=\r\nMessage-ID: <built-1@example.de>\r\n"
                                  b"Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                                  b"Sch=F6ne Gr=FC=DFe!\r\n"),
        "built_2047_koi8r.eml": (b"From: =?koi8-r?b?98HT0Q==?= <vasya@example.ru>\r\nTo: support@example.com\r\n"
                                 b"Subject: =?koi8-r?b?8NLJ18XU?= =?koi8-r?b?INcg0M/E0sXXzsnL?=\r\nMessage-ID: <built-2@example.ru>\r\n"
                                 b"Content-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                                 + "Заказ не пришёл.\r\n".encode("koi8-r")),
        "built_2047_sjis.eml": (b"From: =?shift_jis?b?k2mShg==?= <tanaka@example.jp>\r\nTo: support@example.com\r\n"
                                b"Subject: =?utf-8?b?5rOo5paH44Gr44Gk44GE44Gm?=\r\nMessage-ID: <built-3@example.jp>\r\n"
                                b"Content-Type: text/plain; charset=iso-2022-jp\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
                                + "注文した豆がまだ届きません。\r\n".encode("iso-2022-jp")),
        "built_cp1252.eml": (b"From: Anne <anne@example.fr>\r\nTo: support@example.com\r\nSubject: =?windows-1252?q?Caf=E9_question?=\r\n"
                             b"Message-ID: <built-4@example.fr>\r\nContent-Type: text/plain; charset=windows-1252\r\n"
                             b"Content-Transfer-Encoding: 8bit\r\n\r\n" + "Le café coûte 12 € – merci “beaucoup”.\r\n".encode("cp1252")),
        "built_2231_filename.eml": (b"From: Lena <lena@example.de>\r\nTo: support@example.com\r\nSubject: Rechnung\r\n"
                                    b"Message-ID: <built-5@example.de>\r\nMIME-Version: 1.0\r\n"
                                    b"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n"
                                    b"Content-Type: text/plain; charset=utf-8\r\n\r\nAnbei die Rechnung.\r\n--b1\r\n"
                                    b"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
                                    b"Content-Disposition: attachment;\r\n filename*0*=utf-8''Rechnung%20M%C3%A4rz;\r\n filename*1=\".pdf\"\r\n\r\n"
                                    b"JVBERi0xLjQKJSBmYWtlCg==\r\n--b1--\r\n"),
    }
    for name, data in messages.items():
        with open(os.path.join(directory, name), "wb") as handle:
            handle.write(data)
    return [os.path.join(directory, name) for name in sorted(messages)]


def wire_bytes(data):
    """The bytes the server stores: what smtplib sends for bytes (unchanged, CRLF appended when missing), read
    line by line with CRLF or a bare LF as the line end and written back with CRLF."""
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    lines = data.split(b"\n")[:-1]
    return b"".join((line[:-1] if line.endswith(b"\r") else line) + b"\r\n" for line in lines)


def main(argv):
    port, recipient, built_dir = int(argv[0]), argv[1], argv[2]
    import glob
    paths = sorted(glob.glob(os.path.join(email_expect.corpus_dir(), "msg_*.txt"))) + build(built_dir)
    out = []
    seen = set()
    with smtplib.SMTP("127.0.0.1", port, timeout=120) as client:
        client.ehlo("tests.example")
        for path in paths:
            with open(path, "rb") as handle:
                data = handle.read()
            expected = email_expect.describe(path)
            msg = email.message_from_bytes(data, policy=email.policy.compat32)
            message_id = (msg.get("Message-ID") or "").strip()
            expected["repeat"] = bool(message_id) and message_id in seen
            if message_id:
                seen.add(message_id)
            expected["sha256"] = hashlib.sha256(wire_bytes(data)).hexdigest()
            try:
                refused = client.sendmail("sender@tests.example", [recipient], data)
                expected["smtp"] = 250 if not refused else 550
            except smtplib.SMTPResponseException as error:
                expected["smtp"] = error.smtp_code
                expected["smtp_text"] = error.smtp_error.decode(errors="replace")
                client.rset()
            out.append(expected)
    json.dump(out, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
