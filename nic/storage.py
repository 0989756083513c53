"""Where uploaded files live: the one seam for files (CONVENTIONS rule 14).

`LocalStorage` keeps each file in a directory under a random key: by default
`instance/uploads`, or `NIC_UPLOAD_DIR`, a path several server processes
can share (a mounted volume). Keys never come from users, so no name a user
chose reaches the file system. A file is written to a temporary name and
renamed into place, so a reader never sees half a file, and a refused or
failed upload leaves nothing behind.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from flask import Flask, current_app, request

CHUNK = 64 * 1024
# The request-size limit of views that take a file (10 MB and the form around it); every
# other request keeps the app's small MAX_CONTENT_LENGTH.
UPLOAD_REQUEST_MAX = 11 * 1024 * 1024


class TooLarge(Exception):
    """The stream was longer than the limit it was saved with (nothing was kept)."""


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not key.isalnum():  # keys are ours: hex only, never a path
            raise KeyError(key)
        return self.root / key[:2] / key

    def save(self, stream: IO[bytes], max_bytes: int) -> tuple[str, int]:
        """Store the stream under a new key; returns (key, size). Raises TooLarge."""
        key = secrets.token_hex(16)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        size = 0
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge()
                    out.write(chunk)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return key, size

    @contextmanager
    def open(self, key: str) -> Iterator[IO[bytes]]:
        with self._path(key).open("rb") as handle:
            yield handle

    def path(self, key: str) -> Path:
        """The file on disk (for sending it); raises FileNotFoundError if it is gone."""
        path = self._path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return path

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def accepts_uploads(view: Any) -> Any:
    """Mark a view that takes a file: its requests may be up to UPLOAD_REQUEST_MAX."""
    view.nic_accepts_uploads = True
    return view


def is_upload_request() -> bool:
    """Whether this request's view takes a file (marked with `accepts_uploads`)."""
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "nic_accepts_uploads", False))


def _allow_uploads() -> None:
    if is_upload_request():
        request.max_content_length = UPLOAD_REQUEST_MAX


def install(app: Flask) -> None:
    """The factory's step: the app's storage (NIC_UPLOAD_DIR or instance/uploads), and the
    larger request limit of upload views, set before anything (CSRF) reads the form."""
    root = Path(app.config.get("NIC_UPLOAD_DIR") or Path(app.instance_path) / "uploads")
    app.extensions["nic_storage"] = LocalStorage(root)
    app.before_request(_allow_uploads)


def storage() -> LocalStorage:
    return current_app.extensions["nic_storage"]
