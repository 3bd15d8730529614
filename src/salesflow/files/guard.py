"""The one guarded way to write (and to open) a file: never outside its place, never a pipe.

A workspace is data from a repository anyone may have committed to: a
symlinked `deals/`, `.salesflow/schema` or `.gitattributes`, a `.git` file
whose `gitdir:` points elsewhere, a FIFO named like a deal file. Every write
salesflow makes goes through `write_file`, which

- resolves the real path of the target's folder (every symlink followed) and
  refuses, with a `WriteError` naming the file (exit 1, nothing written), when
  it is not inside the folder the write belongs to (the workspace; the cache
  folder for the cache);
- refuses a target that exists and is not a regular file (a FIFO, a socket, a
  device, a folder), and a target that is a symlink unless the link, resolved,
  stays inside;
- then writes atomically (`yamlio.write_atomic`).

`open_regular` opens with `O_NONBLOCK` (a FIFO never hangs the open) and
checks `S_ISREG` on the open descriptor before a byte is read or written;
`O_NOFOLLOW` where a symlink must not be followed (lock files).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from salesflow.model.errors import WriteError
from salesflow.model.i18n import _

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class NotRegular(OSError):
    """The path is a FIFO, a socket, a device or a folder: salesflow never opens those."""


def real_folder(folder: Path) -> Path:
    """The real path of `folder`, or of its nearest existing ancestor joined with the rest."""
    folder = Path(os.path.abspath(folder))  # noqa: PTH100 - no symlinks resolved yet
    missing: list[str] = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe.name)
        probe = probe.parent
    real = probe.resolve()
    for name in reversed(missing):
        real = real / name
    return real


def inside(path: Path, places: Iterable[Path]) -> bool:
    """True when the real `path` lies inside (or is) the real path of one of `places`."""
    real = real_folder(path)
    for place in places:
        try:
            real.relative_to(real_folder(place))
        except ValueError:
            continue
        return True
    return False


def refuse_outside(path: Path, places: Iterable[Path], shown: str | None = None) -> None:
    """Raise WriteError unless `path`'s folder, once resolved, lies inside one of `places`."""
    places = list(places)
    if not inside(path.parent, places):
        name = shown or str(path)
        raise WriteError(
            _("{name}: its folder leads outside {folder} (through a symlink); "
              "salesflow does not write there, so nothing was written").format(
                name=name, folder=places[0]),
            hint=_("replace the symlinked folder with a real one"),
        )


def make_folders(folder: Path, places: Iterable[Path], shown: str | None = None) -> None:
    """`mkdir -p folder`, refusing first if any existing part of it leads outside."""
    refuse_outside(folder / "x", places, shown or str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    refuse_outside(folder / "x", places, shown or str(folder))  # a race: check again


def write_file(path: Path, data: bytes, *, within: Iterable[Path], exclusive: bool = False,
               mkdir: bool = False, shown: str | None = None) -> Path:
    """Write `path` atomically, guarded as the module says; returns the file written.

    A symlink at `path` leading inside is written through (the link kept); one
    leading outside is refused. `mkdir` creates missing folders (inside only).
    """
    from salesflow.files import yamlio

    places = list(within)
    name = shown or str(path)
    if mkdir:
        make_folders(path.parent, places, name)
    refuse_outside(path, places, name)
    target = path
    try:
        st = path.lstat()
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISLNK(st.st_mode):
        if exclusive:
            raise FileExistsError(17, "File exists", str(path))
        target = path.resolve()
        if not inside(target, places):
            raise WriteError(_("{name} is a symlink leading outside {folder}; salesflow does "
                               "not write through it, so nothing was written").format(
                                 name=name, folder=places[0]),
                             hint=_("replace the symlink with the file itself"))
        st = target.stat() if target.exists() else None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise WriteError(_("{name} is not a regular file (a folder, FIFO, socket or "
                           "device); nothing was written").format(
                             name=name), hint=_("move it away, then try again"))
    yamlio.write_atomic(target, data, exclusive=exclusive)
    return target


def open_regular(path: Path | str, flags: int = os.O_RDONLY, *, follow: bool = True,
                 mode: int = 0o666) -> int:
    """An fd of `path` opened with O_NONBLOCK (and O_NOFOLLOW unless `follow`), if regular.

    Raises NotRegular (an OSError) for anything but a regular file, before a
    byte is read or written; the fd is switched back to blocking.
    """
    extra = _NONBLOCK | _CLOEXEC | (0 if follow else _NOFOLLOW)
    fd = os.open(path, flags | extra, mode)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(21 if stat.S_ISDIR(st.st_mode) else 6,
                             _("not a regular file (a folder, FIFO, socket or device)"), str(path))
        if _NONBLOCK:
            with contextlib.suppress(OSError, AttributeError):
                os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular(path: Path | str, limit: int) -> bytes:
    """At most `limit` bytes of a regular file (never blocks on a FIFO)."""
    fd = open_regular(path)
    try:
        chunks: list[bytes] = []
        left = limit
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_inside(path: Path, places: Iterable[Path], limit: int, shown: str | None = None,
                ) -> bytes | None:
    """A small file's bytes, or None when it does not exist; refuses one leading outside.

    For files salesflow reads in order to rewrite them (`.gitattributes`): a
    symlink to a file outside must never have its text copied into the repository.
    """
    places = list(places)
    if not path.exists() and not path.is_symlink():
        return None
    if not inside(path, places):
        raise WriteError(_("{shown} is a symlink leading outside {folder}; salesflow does "
                           "not read or write through it").format(
                             shown=shown or path, folder=places[0]),
                         hint=_("replace the symlink with the file itself"))
    try:
        return read_regular(path, limit)
    except FileNotFoundError:
        return None
