"""The Python side of bench/mime.sh: parses every file of a directory with email.message_from_bytes(policy=default),
reads what MIMEParser reads (headers, the plain and HTML body, attachments), repeating the set until at least the
requested megabytes went through, and prints one JSON line with the bytes, seconds and MB/s."""
import email
import email.policy
import json
import os
import sys
import time


def work(data):
    msg = email.message_from_bytes(data, policy=email.policy.default)
    for name in ("subject", "from", "to", "cc", "date", "message-id"):
        try:
            msg[name]
        except Exception:  # noqa: BLE001 - malformed corpus headers
            pass
    count = 0
    try:
        body = msg.get_body(("plain", "html"))
        if body is not None:
            count += len(body.get_content())
        for part in msg.walk():
            if not part.is_multipart() and part.get_filename():
                count += len(part.get_payload(decode=True) or b"")
    except Exception:  # noqa: BLE001
        pass
    return count


def main(directory, megabytes):
    paths = sorted(os.path.join(directory, n) for n in os.listdir(directory))
    messages = [open(p, "rb").read() for p in paths if os.path.isfile(p)]
    set_bytes = sum(len(m) for m in messages)
    rounds = max(1, -(-int(megabytes * 1_000_000) // set_bytes))
    for m in messages:
        work(m)
    total = 0
    start = time.perf_counter()
    for _ in range(rounds):
        for m in messages:
            work(m)
            total += len(m)
    seconds = time.perf_counter() - start
    print(json.dumps({"messages": len(messages) * rounds, "bytes": total, "seconds": seconds,
                      "mb_per_s": total / 1e6 / seconds}))


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
