"""Recording workers on a real Ray cluster (a head and two nodes, each its own `ray start`
process in a network namespace), driven by a real `recdesk-server --cluster` over HTTP.

Each recording part runs in an actor placed by Ray on a node; the tests find which node by the
process that writes the recording's files, and check what a user would: the answer's status and
code, the state, and that every file on disk is listed, opens with PyAV and decodes to its end.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import av
import httpx
import pytest

from tests.helpers.cluster.lab import ClusterLab
from tests.helpers.cluster.ray_cluster import RayNode
from tests.helpers.media import decodes

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(240)]

T = TypeVar("T")

# Two cameras in every recording, so each costs the same: exactly one fits on a node.
PAIRS = {"call": ["alice", "bob"], "meeting": ["carol", "dave"], "class": ["heidi", "ivan"]}


def until(check: Callable[[], T | None], timeout: float = 60.0, what: str = "") -> T:
    """Poll `check` until it returns something true."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what or check}"
        time.sleep(0.1)


def start(client: httpx.Client, room: str) -> httpx.Response:
    """Start a single-stream recording of the room's two cameras, in a folder of its own."""
    body = {
        "room_id": room,
        "mode": "single",
        "include": PAIRS[room],
        "folder": f"{room}-{secrets.token_hex(4)}",
    }
    return client.post("/v1/recordings", json=body)


def recording(client: httpx.Client, rec_id: str) -> dict[str, Any]:
    answer = client.get(f"/v1/recordings/{rec_id}")
    answer.raise_for_status()
    body: dict[str, Any] = answer.json()
    return body


def in_state(client: httpx.Client, rec_id: str, *states: str) -> dict[str, Any] | None:
    body = recording(client, rec_id)
    return body if body["state"] in states else None


def writer_of(lab: ClusterLab, rec: dict[str, Any], timeout: float = 60.0) -> RayNode:
    """The node whose worker writes the recording's files now."""
    folder = lab.recordings_dir() / rec["folder"]
    return until(lambda: lab.writer(folder), timeout, f"a writer of {rec['id']}")[0]


def stop(client: httpx.Client, rec_id: str) -> dict[str, Any]:
    answer = client.post(f"/v1/recordings/{rec_id}/stop")
    assert answer.status_code == 200, answer.text
    return until(lambda: in_state(client, rec_id, "completed", "failed"), 60, "the end")


def accounted_for(lab: ClusterLab, rec: dict[str, Any]) -> list[Path]:
    """Every media file in the recording's folder is listed and decodes to its end."""
    folder = lab.recordings_dir() / rec["folder"]
    stems = tuple(rec["stems"].values())
    on_disk = sorted(
        p for p in folder.iterdir() if p.name.startswith(stems) and "-snap-" not in p.name
    )
    listed = sorted(lab.data_dir / f["path"] for f in rec["files"])
    assert on_disk == listed, (on_disk, listed)
    for path in listed:
        counts = decodes(path)
        assert counts.get("video", 0) > 0, (path, counts)
    return listed


def test_placement_spreads_and_refuses_with_no_capacity(cluster_lab: ClusterLab) -> None:
    with cluster_lab.client() as client:
        first = start(client, "call")
        assert first.status_code == 201, first.text
        second = start(client, "meeting")
        assert second.status_code == 201, second.text
        a, b = first.json(), second.json()
        node_a, node_b = writer_of(cluster_lab, a), writer_of(cluster_lab, b)
        assert node_a is not node_b  # one fills a node: the second went to the other
        cluster = client.get("/v1/health").json()["cluster"]
        workers = [node for node in cluster["nodes"] if node["cpus"] > 0]  # not the head
        assert [node["alive"] for node in workers] == [True, True]
        assert sorted(node["recordings"] for node in workers) == [1, 1]
        assert all(node["free_cpus"] < node["cpus"] for node in workers)
        assert cluster["free_cpus"] < cluster["cpus"]

        refused = start(client, "class")
        assert refused.status_code == 503, refused.text
        assert refused.json()["code"] == 50303
        assert refused.json()["name"] == "no_capacity"
        assert not [
            r for r in client.get("/v1/recordings").json()["items"] if r["room_id"] == "class"
        ]

        done = stop(client, a["id"])
        assert done["state"] == "completed", done
        third = start(client, "class")  # the node freed takes it
        assert third.status_code == 201, third.text
        c = third.json()
        assert writer_of(cluster_lab, c) is node_a
        for rec_id in (b["id"], c["id"]):
            assert stop(client, rec_id)["state"] == "completed"
        for rec_id in (a["id"], b["id"], c["id"]):
            assert accounted_for(cluster_lab, recording(client, rec_id))


def test_pause_resume_stop_reach_workers_on_both_nodes(cluster_lab: ClusterLab) -> None:
    with cluster_lab.client() as client:
        recs = [start(client, room).json() for room in ("call", "meeting")]
        nodes = {writer_of(cluster_lab, rec).name for rec in recs}
        assert len(nodes) == 2
        for rec in recs:
            until(lambda rec=rec: in_state(client, rec["id"], "recording"), 60, "recording")
            answer = client.post(f"/v1/recordings/{rec['id']}/pause")
            assert answer.status_code == 200, answer.text
        for rec in recs:
            folder = cluster_lab.recordings_dir() / rec["folder"]

            def still(folder: Path = folder) -> bool:
                sizes = [p.stat().st_size for p in sorted(folder.iterdir())]
                time.sleep(1.5)
                return sizes == [p.stat().st_size for p in sorted(folder.iterdir())]

            until(still, 30, "a paused file that does not grow")
            answer = client.post(f"/v1/recordings/{rec['id']}/resume")
            assert answer.status_code == 200, answer.text
            assert answer.json()["state"] == "recording"
        for rec in recs:
            assert stop(client, rec["id"])["state"] == "completed"
            assert accounted_for(cluster_lab, recording(client, rec["id"]))


def _tile(x: int) -> dict[str, Any]:
    """A small mix of alice's camera in a half of the canvas starting at `x`, the rest black: it
    costs less than two copied cameras, so it fits a node."""
    return {
        "version": 1,
        "template": "custom",
        "canvas": {"width": 320, "height": 180, "fps": 15, "background": "#000000"},
        "regions": [{"x": x, "y": 0, "width": 160, "height": 180, "stream_id": "alice-camera"}],
    }


def _sides(path: Path) -> list[str]:
    """Per decoded frame, the half of the picture that shows the camera ("left", "right")."""
    sides = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            luma = frame.to_ndarray(format="gray")
            left, right = float(luma[:, :160].mean()), float(luma[:, 160:].mean())
            if abs(left - right) > 20:
                sides.append("left" if left > right else "right")
    return sides


def test_a_layout_change_reaches_a_mix_on_a_node(cluster_lab: ClusterLab) -> None:
    with cluster_lab.client() as client:
        body = {
            "room_id": "call",
            "mode": "mixed",
            "include": ["alice"],
            "layout": _tile(0),
            "folder": f"mix-{secrets.token_hex(4)}",
        }
        answer = client.post("/v1/recordings", json=body)
        assert answer.status_code == 201, answer.text
        rec = answer.json()
        writer_of(cluster_lab, rec)
        until(lambda: in_state(client, rec["id"], "recording"), 60, "recording")
        time.sleep(2.0)
        changed = client.put(f"/v1/recordings/{rec['id']}/layout", json={"layout": _tile(160)})
        assert changed.status_code == 200, changed.text
        assert changed.json()["layout"]["regions"][0]["x"] == 160
        time.sleep(2.0)
        done = stop(client, rec["id"])
    assert done["state"] == "completed", done
    [path] = accounted_for(cluster_lab, done)
    sides = _sides(path)
    # The camera on the left, then (from the change on, never back) on the right.
    assert (sides.count("left") >= 15, sides.count("right") >= 15) == (True, True), sides
    flip = sides.index("right")
    assert (set(sides[:flip]), set(sides[flip:])) == ({"left"}, {"right"}), sides


def test_a_worker_cut_off_from_the_service_stops_writing(cluster_lab: ClusterLab) -> None:
    with cluster_lab.client() as client:
        rec = start(client, "call").json()
        until(lambda: in_state(client, rec["id"], "recording"), 60, "recording")
        folder = cluster_lab.recordings_dir() / rec["folder"]
        first_files = sorted(folder.iterdir())
        writer_of(cluster_lab, rec)
        cluster_lab.pause_service()
        try:
            # Within 10 s of the cut: the fence's contract.
            until(lambda: cluster_lab.writer(folder) is None, 10, "the fenced worker to stop")
            for path in first_files:  # finished by the fenced worker itself: they decode
                assert decodes(path).get("video", 0) > 0
                size = path.stat().st_size
                time.sleep(0.5)
                assert path.stat().st_size == size
        finally:
            cluster_lab.resume_service()
        # The service sees the fence and carries the recording on into its next part.
        until(lambda: len(list(folder.iterdir())) > len(first_files), 60, "the next part")
        done = stop(client, rec["id"])
        assert done["state"] == "completed", done
        listed = accounted_for(cluster_lab, done)
        assert set(first_files) < set(listed)


def test_a_lost_node_s_recording_goes_on_on_the_other(cluster_lab: ClusterLab) -> None:
    assert cluster_lab.cluster is not None
    with cluster_lab.client() as client:
        rec = start(client, "call").json()
        until(lambda: in_state(client, rec["id"], "recording"), 60, "recording")
        lost = writer_of(cluster_lab, rec)
        folder = cluster_lab.recordings_dir() / rec["folder"]
        until(  # media in the first part: a host lost mid-recording, not at its first byte
            lambda: len([p for p in folder.iterdir() if p.stat().st_size > 4096]) == 2,
            30,
            "media in the first part",
        )
        cluster_lab.cluster.kill_raylet(lost)
        try:
            other = until(
                lambda: (w := cluster_lab.writer(folder)) and w[0] is not lost and w,
                60,
                "a writer on the other node",
            )[0]
            assert other.node_id
            assert other.node_id != lost.node_id
            until(
                lambda: [p for p in folder.iterdir() if "-002" in p.name and p.stat().st_size],
                30,
                "media in the next part",
            )
            done = stop(client, rec["id"])
            assert done["state"] == "completed", done
            listed = accounted_for(cluster_lab, done)
            assert {f["part"] for f in done["files"]} >= {1, 2}, listed
        finally:
            cluster_lab.cluster.restart(lost)
    assert os.path.isdir(folder)


@pytest.mark.timeout(420)
def test_both_cores_saturated_for_three_minutes_declare_no_node_dead(
    cluster_lab: ClusterLab,
) -> None:
    """The cluster's health-check settings are safe on a loaded host: with every core of this
    machine (every node's) busy for 3 minutes, Ray declares no node dead and the recording goes
    on in its first part, on the node it started on."""
    with cluster_lab.client() as client:
        rec = start(client, "call").json()
        until(lambda: in_state(client, rec["id"], "recording"), 60, "recording")
        node = writer_of(cluster_lab, rec)

        def alive() -> set[str]:  # (a node killed by an earlier test stays listed, dead)
            cluster = client.get("/v1/health", timeout=30).json()["cluster"]
            return {n["id"] for n in cluster["nodes"] if n["alive"]}

        before = alive()
        hogs = [
            subprocess.Popen([sys.executable, "-c", "while True: pass"])
            for _ in range(os.cpu_count() or 2)
        ]
        try:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                assert alive() == before
                time.sleep(5)
        finally:
            for hog in hogs:
                hog.kill()
                hog.wait()
        assert writer_of(cluster_lab, rec) is node
        done = stop(client, rec["id"])
        assert done["state"] == "completed", done
        accounted_for(cluster_lab, done)
        assert {f["part"] for f in done["files"]} == {1}, done["files"]


def test_a_lost_head_ends_the_recordings_with_their_files_finished(cluster_lab: ClusterLab) -> None:
    """Run last: Ray's head (its GCS) is a single point of failure without Redis. Its loss ends
    the nodes, their workers finish their files, and the service, a Ray driver, exits; started
    again with the cluster back, it lists every file and carries the recording on."""
    assert cluster_lab.cluster is not None
    assert cluster_lab.process is not None
    with cluster_lab.client() as client:
        rec = start(client, "call").json()
        until(lambda: in_state(client, rec["id"], "recording"), 60, "recording")
    folder = cluster_lab.recordings_dir() / rec["folder"]
    writer_of(cluster_lab, rec)
    first_files = sorted(folder.iterdir())
    cluster_lab.cluster.lose_head()
    until(lambda: cluster_lab.writer(folder) is None, 60, "the workers to stop")
    for path in first_files:  # finished by their workers as their nodes went
        assert decodes(path).get("video", 0) > 0
    assert cluster_lab.process.wait(60) != 0  # Ray ends its driver: a clear exit, not a hang

    cluster_lab.cluster.start_again()
    cluster_lab.start_service()
    with cluster_lab.client() as client:
        until(lambda: len(list(folder.iterdir())) > len(first_files), 60, "the next part")
        done = stop(client, rec["id"])
        assert done["state"] == "completed", done
        listed = accounted_for(cluster_lab, done)
        assert set(first_files) < set(listed)
