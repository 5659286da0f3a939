"""A real RTMP server (nginx with libnginx-mod-rtmp) on a loopback port, and a PyAV publisher.

`NginxRtmp` writes its own nginx.conf into a temporary folder and runs nginx in the foreground as a
single process (no daemon, no user switching): a test run needs no root and leaves nothing behind.
`Publisher` pushes a clip to it in a loop at real-time pace, like a camera would.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from fractions import Fraction
from pathlib import Path

import av

RTMP_MODULE = Path("/usr/lib/nginx/modules/ngx_rtmp_module.so")

_CONF = """
load_module {module};
daemon off;
master_process off;
worker_processes 1;
error_log {prefix}/error.log warn;
pid {prefix}/nginx.pid;
events {{ worker_connections 1024; }}
rtmp {{
    server {{
        listen 127.0.0.1:{port};
        chunk_size 4096;
        application live {{
            live on;
            wait_key on;
            wait_video on;
            record off;
        }}
    }}
}}
"""


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class NginxRtmp:
    """nginx-rtmp on 127.0.0.1; `url(key)` is where to publish and play."""

    def __init__(self, folder: Path) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists() or not RTMP_MODULE.exists():
            raise RuntimeError("nginx with libnginx-mod-rtmp is missing: run `make deps`")
        self.port = free_port()
        folder.mkdir(parents=True, exist_ok=True)
        conf = folder / "nginx.conf"
        conf.write_text(_CONF.format(module=RTMP_MODULE, prefix=folder, port=self.port))
        self._process = subprocess.Popen(
            [nginx, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self._process.stderr.read().decode()}")  # type: ignore[union-attr]
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx-rtmp did not start listening")

    def url(self, key: str) -> str:
        """The RTMP URL of a stream key in the `live` application."""
        return f"rtmp://127.0.0.1:{self.port}/live/{key}"

    def stop(self) -> None:
        """Stop nginx."""
        self._process.terminate()
        try:
            self._process.wait(5)
        except subprocess.TimeoutExpired:
            self._process.kill()


class Publisher(threading.Thread):
    """Publishes a clip to an RTMP URL in a loop, in real time, until `stop()`."""

    def __init__(self, clip: Path, url: str) -> None:
        super().__init__(daemon=True)
        self.clip, self.url = clip, url
        self._stopping = threading.Event()
        self.error: BaseException | None = None
        self.published = threading.Event()

    def stop(self) -> None:
        """Stop publishing and wait for the thread."""
        self._stopping.set()
        self.join(10)

    def run(self) -> None:
        try:
            self._publish()
        except BaseException as exc:
            self.error = exc

    def _publish(self) -> None:
        with av.open(str(self.clip)) as src, av.open(self.url, "w", format="flv") as out:
            streams = {s.index: out.add_stream_from_template(s) for s in src.streams}
            length = Fraction(src.duration or 0, 1_000_000) + Fraction(1, 10)
            started = time.monotonic()
            loop = 0
            while not self._stopping.is_set():
                src.seek(0)
                for packet in src.demux():
                    if not packet.size or self._stopping.is_set():
                        continue
                    base = packet.time_base
                    shift = round(loop * length / base)
                    packet.pts += shift
                    packet.dts += shift
                    due = started + float(packet.dts * base)
                    if (wait := due - time.monotonic()) > 0:
                        time.sleep(wait)
                    packet.stream = streams[packet.stream_index]
                    out.mux(packet)
                    self.published.set()
                loop += 1
