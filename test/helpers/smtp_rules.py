"""A real SMTP server for the tests (Debian's aiosmtpd), and a reader of what it stored.

As a handler (`-c smtp_rules.Rules MAILDIR`): aiosmtpd's Mailbox, which stores every message in a Maildir, except that
a recipient whose address starts with `refused` is refused for good (550) and one starting with `busy` is asked to
try later (451), so the tests meet both kinds of failure from a real server.

As a script (`python3 smtp_rules.py MAILDIR`): prints every stored message as JSON, parsed by Python's email package
(headers decoded, the plain text and HTML parts), an independent reader of what nodemailer wrote.
"""
import json
import sys
from email import policy
from email.parser import BytesParser

try:
    from aiosmtpd.handlers import Mailbox
except ImportError:  # reading a Maildir needs no server
    Mailbox = object


class Rules(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 5.1.1 No such mailbox here"
        if address.startswith("busy"):
            return "451 4.3.0 Busy: try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def read(maildir):
    import mailbox

    box = mailbox.Maildir(maildir, create=False)
    out = []
    for key in sorted(box.keys()):
        with box.get_file(key) as f:
            raw = f.read()
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        text = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        out.append(
            {
                "key": key,
                "headers": [[k, str(v)] for k, v in msg.items()],
                "rawHeaders": raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0].decode("ascii", "replace"),
                "text": text.get_content() if text else None,
                "html": html.get_content() if html else None,
            }
        )
    return out


if __name__ == "__main__":
    json.dump(read(sys.argv[1]), sys.stdout)
