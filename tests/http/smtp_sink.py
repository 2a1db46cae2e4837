#!/usr/bin/python3
"""smtp_sink.py - a loopback SMTP server that stores what it receives.

Used by tests/http/test_mail.c to check the mailer's SMTP mode against a real
SMTP implementation (Debian's python3-aiosmtpd) rather than against our own
idea of the protocol.

    smtp_sink.py DIR [USER:PASSWORD]

Binds 127.0.0.1 on a port the kernel picks (no probing for a free port, so no
race with other tests), then writes the port number to DIR/port once the
socket accepts connections. Every message accepted is stored as DIR/N.env
(the envelope: "EHLO:name", "MAIL FROM:addr", one "RCPT TO:addr" line per
recipient and, when AUTH was used, "AUTH:login") and DIR/N.eml (the DATA bytes exactly as
received, CRLF kept, dot-stuffing undone), N counting from 1. Each file is
written under a temporary name and renamed, and N.eml is renamed last, so a
reader that sees N.eml sees both complete.

With USER:PASSWORD, AUTH is required (over plain TCP: this is loopback) and
only that pair is accepted. Stops on SIGTERM or SIGINT.
"""
import asyncio
import logging
import os
import signal
import socket
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, path)


class Sink:
    def __init__(self, directory):
        self.dir = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.dir, str(self.count))
        env = "EHLO:%s\n" % session.host_name
        env += "MAIL FROM:%s\n" % envelope.mail_from
        env += "".join("RCPT TO:%s\n" % r for r in envelope.rcpt_tos)
        if session.authenticated:
            env += "AUTH:%s\n" % session.auth_data.login.decode("utf-8", "replace")
        write_atomic(base + ".env", env.encode())
        write_atomic(base + ".eml", envelope.original_content)
        return "250 OK stored"


def authenticator_for(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        # handled=False: let aiosmtpd send the 235 or 535 reply itself.
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)
    return authenticate


async def main(directory, credentials):
    loop = asyncio.get_running_loop()
    handler = Sink(directory)
    options = {"hostname": "sink.test"}  # socket.getfqdn() may wait on DNS
    # AUTH without TLS is the point here (loopback); keep the test log clean.
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    if credentials:
        user, _, password = credentials.partition(":")
        options.update(auth_required=True, auth_require_tls=False,
                       authenticator=authenticator_for(user, password))

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = await loop.create_server(lambda: SMTP(handler, loop=loop, **options),
                                      sock=sock)
    write_atomic(os.path.join(directory, "port"), b"%d\n" % sock.getsockname()[1])

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: smtp_sink.py DIR [USER:PASSWORD]")
    asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else None))
