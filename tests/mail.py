"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for e-mail tests."""

from __future__ import annotations

import re
import socket
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

LINK = re.compile(r"http://127\.0\.0\.1:5000/sign-in/link/([A-Za-z0-9_-]+)")
ANY_LINK = re.compile(r"https?://\S+/sign-in/link/[A-Za-z0-9_-]+")


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def token(self, index: int = -1) -> str:
        found = LINK.findall(self.messages[index].get_content())
        assert len(found) == 1, self.messages[index].get_content()
        return found[0]

    def link(self, index: int = -1) -> str:
        """The whole sign-in link in a message, whatever site it points at."""
        found = ANY_LINK.findall(self.messages[index].get_content())
        assert len(found) == 1, self.messages[index].get_content()
        return found[0]


class MailServer:
    """An SMTP server on a fixed loopback port that can be stopped and started again."""

    def __init__(self, inbox: Inbox):
        self.inbox = inbox
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
