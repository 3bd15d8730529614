"""A command run on a real pseudo-terminal, as a person at a terminal runs it."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import termios


def on_a_terminal(cmd: list[str], env: dict[str, str], *, rows: int = 24, columns: int = 80,
                  stdout: bool = True, timeout: float = 120) -> tuple[int, bytes]:
    """Run `cmd` with stderr (and, with `stdout`, stdout) on a terminal `rows` high.

    Returns its exit code and every byte it wrote to the terminal; stdout not
    on the terminal goes nowhere.
    """
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    proc = subprocess.Popen(cmd, stdout=follower if stdout else subprocess.DEVNULL,
                            stderr=follower, env=env)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command ended
            break
        if not chunk:
            break
        seen += chunk
    proc.wait(timeout=timeout)
    os.close(leader)
    return proc.returncode, seen
