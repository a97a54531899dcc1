#!/usr/bin/env python3
# answer-prompt.py PROMPT CMD ARGS... — runs CMD under a pseudo terminal, copies everything it
# writes there to stdout, and types the first line of our own stdin (the secret: never in argv)
# once, when PROMPT appears. Exits with CMD's exit code. Test helper for --ask-sudo-password.
import os
import pty
import select
import sys

prompt = sys.argv[1].encode()
secret = sys.stdin.readline().rstrip("\n")
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])

seen = b""
sent = False
while True:
    ready, _, _ = select.select([fd], [], [], 1.0)
    if fd not in ready:
        continue
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
    seen = (seen + data)[-4096:]
    if not sent and prompt in seen:
        os.write(fd, (secret + "\r").encode())
        sent = True

_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
