"""A real sound server for tests, tones played into it, and sound told apart by frequency.

`SoundServer` runs a private PulseAudio, or PipeWire with WirePlumber and its Pulse server (on a
dbus session of its own), as root in a temporary folder, and makes:

- `speakers`, a null sink ("Speakers"), the default output: what it plays is heard from its monitor
  (`loopback:default`);
- `micwire`, a null sink, and `virtmic`, a virtual microphone ("Virtual Microphone") remapped from
  its monitor, the default source: what is played into `micwire` is heard from `virtmic`.

`env` is what a client needs (`PULSE_SERVER=unix:<folder>/pulse/native`). The `soundcard` library
connects when it is first imported, so a test process talks to the server whose address was in its
environment then: `SoundServer.export()` puts it there (the session's PulseAudio does); other
servers are reached from child processes (`Tone` with `server=`).

`Tone` plays a sine into a sink through a low-latency stream (10 ms blocks), in a thread of this
process or, with a server, in a child process (`python -m tests.helpers.sound tone SINK HZ`).
`tones(path, frequencies)` says which of the frequencies a recorded track holds (numpy FFT).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import av
import numpy as np

from tests.helpers.processes import end

RATE = 48_000
BLOCK = RATE // 100  # 10 ms
ROOT = Path(__file__).resolve().parents[2]
MISSING = "{binary} is missing: run `make deps` (it installs the sound servers)"

ServerKind = Literal["pulseaudio", "pipewire"]

_PULSE_CONFIG = """
load-module module-native-protocol-unix auth-anonymous=1 socket={socket}
load-module module-null-sink sink_name=speakers sink_properties=device.description=Speakers
load-module module-null-sink sink_name=micwire sink_properties=device.description=MicWire
load-module module-remap-source master=micwire.monitor source_name=virtmic \
source_properties=device.description=Virtual_Microphone
set-default-sink speakers
set-default-source virtmic
"""

# The same devices on PipeWire, made through its Pulse server once it answers.
_PIPEWIRE_MODULES = (
    ("module-null-sink", "sink_name=speakers", "sink_properties=device.description=Speakers"),
    ("module-null-sink", "sink_name=micwire", "sink_properties=device.description=MicWire"),
    (
        "module-remap-source",
        "master=micwire.monitor",
        "source_name=virtmic",
        "source_properties=device.description=Virtual_Microphone",
    ),
)


class SoundServer:
    """A private PulseAudio or PipeWire: sinks `speakers` and `micwire`, source `virtmic`."""

    def __init__(self, folder: Path, kind: ServerKind = "pulseaudio") -> None:
        self.kind = kind
        self.folder = folder
        runtime = folder / "pulse"
        runtime.mkdir(parents=True, exist_ok=True)
        self.socket = runtime / "native"
        self.env = {
            "XDG_RUNTIME_DIR": str(folder),
            "PULSE_RUNTIME_PATH": str(runtime),
            "PULSE_SERVER": f"unix:{self.socket}",
        }
        self._base = {**os.environ, **self.env, "HOME": str(folder)}
        self._processes: list[subprocess.Popen[bytes]] = []
        self._dbus_pid: int | None = None
        try:
            self._start_pulseaudio() if kind == "pulseaudio" else self._start_pipewire()
            self.pactl("set-default-sink", "speakers")
            self.pactl("set-default-source", "virtmic")
        except BaseException:
            self.stop()
            raise

    def _start_pulseaudio(self) -> None:
        binary = _need("pulseaudio")
        config = self.folder / "default.pa"
        config.write_text(_PULSE_CONFIG.format(socket=self.socket))
        self._spawn(
            binary, "-n", "-F", config, "--daemonize=no", "--exit-idle-time=-1",
            "--disallow-exit", "--use-pid-file=no", "--high-priority=yes", "--realtime=yes",
        )  # fmt: skip
        self._wait_answer()

    def _start_pipewire(self) -> None:
        binaries = [_need(b) for b in ("dbus-daemon", "pipewire", "wireplumber", "pipewire-pulse")]
        out = subprocess.run(
            [binaries[0], "--session", "--fork", "--print-address=1", "--print-pid=1"],
            env=self._base,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        address, self._dbus_pid = out[0], int(out[1])
        self.env["DBUS_SESSION_BUS_ADDRESS"] = address
        self._base["DBUS_SESSION_BUS_ADDRESS"] = address
        self._spawn(binaries[1])
        self._spawn(binaries[2])
        self._spawn(binaries[3])
        self._wait_answer()
        for module in _PIPEWIRE_MODULES:
            self.pactl("load-module", *module)
        self._wait_for("virtmic", "sources")

    def _spawn(self, *args: object) -> None:
        self._processes.append(
            subprocess.Popen(
                [str(a) for a in args],
                env=self._base,
                stdout=subprocess.DEVNULL,
                stderr=(self.folder / f"{Path(str(args[0])).name}.log").open("wb"),
            )
        )

    def _wait_answer(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            for process in self._processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{process.args[0]} ended: see {self.folder}")
            done = subprocess.run(
                ["pactl", "info"], env=self._base, capture_output=True, check=False
            )
            if done.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"the {self.kind} sound server did not answer: {done.stderr!r}")
            time.sleep(0.05)

    def _wait_for(self, name: str, what: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while name not in self.pactl("list", "short", what):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not appear in the {what} of {self.kind}")
            time.sleep(0.05)

    def pactl(self, *args: str) -> str:
        """Run `pactl` against this server; its output."""
        return subprocess.run(
            ["pactl", *args], env=self._base, capture_output=True, text=True, check=True
        ).stdout

    def export(self) -> None:
        """Make this the server of this process and its children (before importing `soundcard`)."""
        if (
            "soundcard" in sys.modules
            and os.environ.get("PULSE_SERVER") != self.env["PULSE_SERVER"]
        ):
            raise RuntimeError("soundcard is already connected to another sound server")
        os.environ.update(self.env)

    def stop(self) -> None:
        """Stop every process of the server."""
        for process in reversed(self._processes):
            end(process, 5)
        self._processes.clear()
        if self._dbus_pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._dbus_pid, 15)
            self._dbus_pid = None


def _need(binary: str) -> str:
    found = shutil.which(binary)
    if found is None:
        raise RuntimeError(MISSING.format(binary=binary))
    return found


class Tone:
    """A sine played into a sink until `stop()`, in 10 ms blocks (a low-latency stream).

    It plays from a child process, as another program on the computer would (a browser's call):
    a player thread in the test's own process would share its interpreter lock with the recorder
    under test, and one starved of it for 20 ms leaves the sink a hole of silence that the
    recording would rightly keep. The child talks to `server`, or to this process's server
    (`SoundServer.export()`). It returns once the sink's monitor (or the source `heard_from`, a
    virtual microphone fed by the sink) carries the tone: a PulseAudio null sink that starts
    running passes sound to its monitor only after a while (about 2 s here), and a recording that
    starts before would begin with silence.
    """

    def __init__(
        self,
        sink: str,
        frequency: float,
        *,
        server: SoundServer | None = None,
        level: float = 0.5,
        heard_from: str | None = None,
    ) -> None:
        command = ["tone", sink, str(frequency), str(level)] + ([heard_from] if heard_from else [])
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.sound", *command],
            cwd=ROOT,
            env={**os.environ, **(server.env if server is not None else {})},
            stdout=subprocess.PIPE,
        )
        assert self._process.stdout is not None
        if self._process.stdout.readline().strip() != b"playing":
            self.stop()
            raise RuntimeError(f"the tone into {sink} did not start")

    def stop(self) -> None:
        """Stop playing."""
        self._process.terminate()
        self._process.wait(10)

    def __enter__(self) -> Tone:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _play(sink: str, frequency: float, level: float, heard_from: str | None = None) -> None:
    """Play from a thread of this (the child) process; return once the sink's monitor (or the
    source `heard_from`) carries the tone."""
    import soundcard

    with contextlib.suppress(PermissionError):
        os.nice(-11)  # as a desktop's players and sound server run (rtkit): not starved by load
    started = threading.Event()

    def play() -> None:
        phase = 2 * np.pi * frequency / RATE
        n = 0
        with soundcard.get_speaker(sink).player(RATE, channels=2, blocksize=BLOCK) as out:
            started.set()
            while True:
                block = level * np.sin(phase * np.arange(n, n + BLOCK, dtype=np.float64))
                out.play(np.repeat(block.astype(np.float32)[:, None], 2, axis=1))
                n += BLOCK

    threading.Thread(target=play, name=f"tone {frequency}", daemon=True).start()
    if not started.wait(10):
        raise RuntimeError(f"the tone into {sink} did not start")
    monitor = soundcard.get_microphone(heard_from or f"{sink}.monitor", include_loopback=True)
    deadline = time.monotonic() + 15
    with monitor.recorder(RATE, channels=2, blocksize=BLOCK) as heard:
        while float(np.abs(heard.record(BLOCK)).max()) < level / 4:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the tone into {sink} is not heard from its monitor")


def samples(path: Path, stream: int = 0) -> np.ndarray:
    """The `stream`-th audio track of a file, decoded to its end, as mono float samples."""
    chunks = []
    with av.open(str(path)) as container:
        track = container.streams.audio[stream]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        for frame in container.decode(track):
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1))
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray().reshape(-1))
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)


def tones(
    path: Path, frequencies: Iterable[float], *, stream: int = 0, floor: float = 0.01
) -> set[float]:
    """Which of `frequencies` the track holds: a peak at least a tenth of the loudest one's.

    `floor` is the least amplitude (of a full-scale 1.0) a tone must have: silence has none.
    """
    return present(samples(path, stream), frequencies, floor=floor)


def present(sound: np.ndarray, frequencies: Iterable[float], *, floor: float = 0.01) -> set[float]:
    """Which of `frequencies` a mono signal at `RATE` holds (see `tones`)."""
    if len(sound) < RATE // 10:
        return set()
    spectrum = np.abs(np.fft.rfft(sound * np.hanning(len(sound)))) * 4 / len(sound)
    bins = np.fft.rfftfreq(len(sound), 1 / RATE)
    top = float(spectrum.max())
    found = set()
    for frequency in frequencies:
        near = spectrum[np.abs(bins - frequency) <= 5]
        peak = float(near.max()) if len(near) else 0.0
        if peak >= floor and peak >= top / 10:
            found.add(frequency)
    return found


def _main(argv: Sequence[str]) -> None:
    """`tone SINK HZ LEVEL [HEARD_FROM]`: play until terminated; say `playing` once the tone is
    heard."""
    command, sink, frequency, level, *heard_from = argv
    assert command == "tone"
    _play(sink, float(frequency), float(level), *heard_from)
    print("playing", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    _main(sys.argv[1:])
