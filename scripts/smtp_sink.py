#!/usr/bin/env python3
"""A real SMTP server for the lone-working tests: aiosmtpd on 127.0.0.1:PORT, writing each
message it receives into DIR as one file (recipients, subject, the decoded text body, then the
raw message), renamed into place once complete. Prints "ready" once it accepts connections and
runs until killed.

Usage: smtp_sink.py PORT DIR
"""
import email
import email.policy
import os
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out):
        self.out = out
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        with self.lock:
            self.count += 1
            n = self.count
        tmp = os.path.join(self.out, ".%05d.tmp" % n)
        with open(tmp, "wb") as f:
            f.write(("To: %s\n" % ",".join(envelope.rcpt_tos)).encode())
            f.write(("Subject: %s\n\n" % msg["subject"]).encode())
            f.write(text.encode())
            f.write(b"\n----- raw -----\n")
            f.write(raw)
        os.rename(tmp, os.path.join(self.out, "%05d.eml" % n))
        return "250 OK"


def main():
    port = int(sys.argv[1])
    out = sys.argv[2]
    controller = Controller(Sink(out), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        threading.Event().wait()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
