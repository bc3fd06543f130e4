"""What Python's `email` package (policy.default) reads from messages, as JSON, for the MIME parser comparison test
(Tests/CoreTests/Email/MIMEPythonComparisonTests.swift) and the seed corpus of infra/fuzz.sh.

    email_expect.py [--corpus] [--corpus-dir] [FILE|DIR ...]

--corpus adds every msg_*.txt of CPython's own email test data (test/test_email/data); --corpus-dir only prints
that directory. Prints a JSON array: per message its file, subject, from addresses (addr_spec), the plain-text body
(get_body(('plain',)).get_content()), the attachment file names (every part with a file name but the plain body, in walk() order), and
the error when Python itself fails on a field. Standard library only.
"""
import email
import email.policy
import glob
import json
import os
import sys


def corpus_dir():
    """test/test_email/data of this Python, or of Debian's python3 (libpython3.X-testsuite)."""
    candidates = []
    try:
        import test
        candidates.append(os.path.join(os.path.dirname(test.__file__), "test_email", "data"))
    except ImportError:
        pass
    candidates += sorted(glob.glob("/usr/lib/python3*/test/test_email/data"), reverse=True)
    for candidate in candidates:
        if glob.glob(os.path.join(candidate, "msg_*.txt")):
            return candidate
    sys.exit("email_expect.py: CPython's email test corpus is missing (Debian: apt-get install libpython3.11-testsuite)")


def field(fn):
    try:
        return fn(), None
    except Exception as error:  # noqa: BLE001 - the error is part of the output
        return None, f"{type(error).__name__}: {error}"


def describe(path):
    with open(path, "rb") as handle:
        data = handle.read()
    msg = email.message_from_bytes(data, policy=email.policy.default)
    out = {"file": os.path.abspath(path), "errors": {}}

    def subject():
        value = msg["subject"]
        return None if value is None else str(value)

    def senders():
        value = msg["from"]
        return [] if value is None else [a.addr_spec for a in value.addresses]

    def text():
        body = msg.get_body(("plain",))
        return None if body is None else body.get_content()

    def attachments():
        # Every part with a file name except the part get_body picks as the plain-text body.
        body = msg.get_body(("plain",))
        return [p.get_filename() for p in msg.walk() if p.get_filename() and p is not body]

    for name, fn in (("subject", subject), ("from", senders), ("text", text), ("attachments", attachments)):
        value, error = field(fn)
        out[name] = value
        if error:
            out["errors"][name] = error
    return out


def main(argv):
    if "--corpus-dir" in argv:
        print(corpus_dir())
        return 0
    paths = []
    for arg in argv:
        if arg == "--corpus":
            paths += sorted(glob.glob(os.path.join(corpus_dir(), "msg_*.txt")))
        elif os.path.isdir(arg):
            paths += sorted(p for p in glob.glob(os.path.join(arg, "*")) if os.path.isfile(p))
        else:
            paths.append(arg)
    json.dump([describe(p) for p in paths], sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
