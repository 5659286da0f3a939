"""Images for layout tests, made with PyAV, and a listener that counts who connects to it.

`png` and `jpeg` give the bytes of a picture of one colour; `Listener` is a plain TCP socket on
loopback, accepted by a thread of its own, that answers each connection with a tiny PNG over
HTTP, so a compositor that fetched a URL would get an image and draw it: a test asserts that
`connections` stays 0.
"""

from __future__ import annotations

import io
import socket
import threading

import av

from app.media.mix.graph import solid


def encoded(codec: str, width: int, height: int, color: str, pix_fmt: str) -> bytes:
    """One picture of `color` encoded by `codec` (png, mjpeg) into its bare file form."""
    out = io.BytesIO()
    with av.open(out, "w", format="image2pipe") as container:
        stream = container.add_stream(codec, rate=1)
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        picture = solid(width, height, color).reformat(format=pix_fmt)
        for packet in stream.encode(picture):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def png(width: int = 64, height: int = 32, color: str = "#ff00ff") -> bytes:
    """A PNG of one colour."""
    return encoded("png", width, height, color, "rgb24")


def jpeg(width: int = 64, height: int = 32, color: str = "#00ff00") -> bytes:
    """A JPEG of one colour."""
    return encoded("mjpeg", width, height, color, "yuvj420p")


class Listener:
    """A TCP listener on 127.0.0.1 that counts connections (each answered with a PNG)."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.2)  # so that `close` ends the thread soon
        self.port: int = self._socket.getsockname()[1]
        self.connections = 0
        self._closed = threading.Event()
        self._body = png(color="#00ffff")
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """A URL of an image on this listener."""
        return f"http://127.0.0.1:{self.port}/x.png"

    def _serve(self) -> None:
        while not self._closed.is_set():
            try:
                peer, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            with peer:
                peer.settimeout(2)
                try:
                    peer.recv(4096)
                    head = "HTTP/1.0 200 OK\r\nContent-Type: image/png\r\n"
                    head += f"Content-Length: {len(self._body)}\r\n\r\n"
                    peer.sendall(head.encode() + self._body)
                except OSError:
                    pass

    def close(self) -> None:
        """Stop listening."""
        self._closed.set()
        self._thread.join(5)
        self._socket.close()
