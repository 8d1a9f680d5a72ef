"""aiosmtpd handler for the email notifier's tests.

Decodes each accepted message with Python's email package (independent of nodemailer, which built
it) and writes it as JSON into a folder. Recipients whose local part starts with "reject" get a 550,
"busy" a 451, so the tests can see permanent and transient refusals.

Run: PYTHONPATH=<this dir> python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.JsonSink OUT_DIR
"""

import json
import os
import uuid
from email import message_from_bytes, policy


class JsonSink:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        os.makedirs(out_dir, exist_ok=True)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("JsonSink takes the output directory")
        return cls(args[0])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if local.startswith("busy"):
            return "451 4.3.0 <%s>: Mailbox temporarily unavailable, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        plain = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "headers": {name.lower(): str(value) for name, value in message.items()},
            "content_types": [part.get_content_type() for part in message.walk()],
            "text": plain.get_content() if plain is not None else None,
            "html": html.get_content() if html is not None else None,
        }
        name = uuid.uuid4().hex
        tmp = os.path.join(self.out_dir, "." + name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f)
        # Renamed into place so a reader never sees a half-written file.
        os.rename(tmp, os.path.join(self.out_dir, name + ".json"))
        return "250 2.0.0 Ok: queued as " + name
