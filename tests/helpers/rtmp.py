"""A real RTMP server (nginx with libnginx-mod-rtmp) on a loopback port, and a PyAV publisher.

`NginxRtmp` writes its own nginx.conf into a temporary folder and runs nginx in the foreground as a
single process (no daemon, no user switching): a test run needs no root and leaves nothing behind.
Besides RTMP it serves the module's statistics (`rtmp_stat all`, XML) over HTTP on a second port,
at `stat_url`, as an RTMP room provider reads them. It has the applications it is given (`live`
and `studio` by default, so a room can span two), each a plain live application.
`Publisher` pushes a clip to it in a loop at real-time pace, like a camera would;
`python -m tests.helpers.rtmp CLIP URL` does the same in a process of its own, which a test can
kill as a crash would end a real publisher.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av

from tests.helpers.processes import end

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
{applications}
    }}
}}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{http_port};
        location /stat {{ rtmp_stat all; }}
    }}
}}
"""

_APPLICATION = """
        application {name} {{
            live on;
            wait_key on;
            wait_video on;
            record off;
        }}"""


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class NginxRtmp:
    """nginx-rtmp on 127.0.0.1: `url(key)` is where to publish and play, `stat_url` its stats."""

    def __init__(self, folder: Path, applications: Sequence[str] = ("live", "studio")) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists() or not RTMP_MODULE.exists():
            raise RuntimeError("nginx with libnginx-mod-rtmp is missing: run `make deps`")
        self.applications = tuple(applications)
        self.port = free_port()
        self.http_port = free_port()
        folder.mkdir(parents=True, exist_ok=True)
        conf = folder / "nginx.conf"
        conf.write_text(
            _CONF.format(
                module=RTMP_MODULE,
                prefix=folder,
                port=self.port,
                http_port=self.http_port,
                applications="".join(_APPLICATION.format(name=a) for a in self.applications),
            )
        )
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
                for port in (self.port, self.http_port):
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx-rtmp did not start listening")

    @property
    def rtmp_url(self) -> str:
        """The server's RTMP base URL (`rtmp://127.0.0.1:PORT`), without application."""
        return f"rtmp://127.0.0.1:{self.port}"

    @property
    def stat_url(self) -> str:
        """Where the server's `rtmp_stat all` XML page is served."""
        return f"http://127.0.0.1:{self.http_port}/stat"

    def url(self, key: str, application: str = "live") -> str:
        """The RTMP URL of a stream key in an application (`live` unless told)."""
        return f"{self.rtmp_url}/{application}/{key}"

    def stop(self) -> None:
        """Stop nginx."""
        end(self._process, 5)


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


def publish_process(clip: Path, url: str) -> subprocess.Popen[str]:
    """A `Publisher` in a child process, returned once it publishes; kill it to drop the stream."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.rtmp", str(clip), url],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if line.strip() != "published":
        process.kill()
        raise RuntimeError(f"the publisher of {url} did not start: {line!r}")
    return process


def _main(clip: str, url: str) -> int:
    publisher = Publisher(Path(clip), url)
    publisher.start()
    if not publisher.published.wait(10):
        print(f"failed: {publisher.error}", flush=True)
        return 1
    print("published", flush=True)
    publisher.join()
    return 0 if publisher.error is None else 1


if __name__ == "__main__":
    sys.exit(_main(*sys.argv[1:3]))
