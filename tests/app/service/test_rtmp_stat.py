"""nginx-rtmp's `rtmp_stat all` page, read from pages captured from the test nginx (see data/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.service.rooms.rtmp_stat import (
    MAX_BYTES,
    AudioMeta,
    StatApplication,
    StatPageError,
    VideoMeta,
    parse_stat,
)

DATA = Path(__file__).parent / "data"


def _page(name: str) -> str:
    return (DATA / f"rtmp_stat_{name}.xml").read_text()


def test_live_streams_of_every_application_with_their_media() -> None:
    page = parse_stat((DATA / "rtmp_stat_publishing.xml").read_bytes())

    assert [app.name for app in page.applications] == ["live", "studio"]
    live = {(app, s.name): s for app, s in page.live()}
    assert list(live) == [
        ("live", "meet__alice"),
        ("live", "solo"),
        ("studio", "meet__alice__screen"),
    ]
    alice = live["live", "meet__alice"]
    assert alice.video == VideoMeta(codec="h264", width=320, height=240, frame_rate=30.0)
    assert alice.audio == AudioMeta(codec="aac", sample_rate=48000, channels=2)
    # Published for as long as its publisher has been connected, not the player that came later.
    assert alice.time_ms == 4061
    # A publisher without sound announces an empty <audio/>.
    assert live["live", "solo"].audio is None
    assert live["live", "solo"].video is not None


def test_a_player_waiting_for_a_stream_is_not_a_live_stream() -> None:
    page = parse_stat(_page("waiting"))

    [stream] = page.applications[0].streams
    assert (stream.name, stream.publishing, stream.active) == ("waiting", False, False)
    assert (stream.video, stream.audio) == (None, None)
    assert list(page.live()) == []


def test_applications_without_streams() -> None:
    page = parse_stat(_page("empty"))

    assert page.applications == (StatApplication("live"), StatApplication("studio"))
    assert list(page.live()) == []


def test_several_servers_are_one_list_of_applications() -> None:
    text = _page("empty").replace("</server>", "</server><server><application><name>vod</name>")
    text = text.replace("</rtmp>", "</application></server></rtmp>")

    assert [app.name for app in parse_stat(text).applications] == ["live", "studio", "vod"]


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("", "not well-formed XML (no element found"),
        ("<h1>502 Bad Gateway", "not well-formed XML"),
        (
            "<html><body>welcome to nginx</body></html>",
            "the root element is <html>, not <rtmp>",
        ),
        (
            _page("publishing").replace("<name>studio</name>", ""),
            "server 1, application 2 has no <name>",
        ),
        (
            _page("publishing").replace("<name>solo</name>", "<name> </name>"),
            "application 'live', stream 2 has no <name>",
        ),
        (
            _page("publishing").replace("<time>3883</time>", "<time>soon</time>"),
            "application 'live', stream 'solo', its publisher: <time> is 'soon', "
            "not a whole number",
        ),
        (
            _page("publishing").replace(
                "<frame_rate>30</frame_rate>", "<frame_rate>x</frame_rate>"
            ),
            "application 'live', stream 'meet__alice', video: <frame_rate> is 'x', not a number",
        ),
        (
            _page("publishing")[: len(_page("publishing")) // 2],
            "not well-formed XML",
        ),
    ],
    ids=["empty", "html", "not-rtmp", "app-name", "stream-name", "time", "fps", "truncated"],
)
def test_a_malformed_page_says_what_is_wrong(page: str, message: str) -> None:
    with pytest.raises(StatPageError) as caught:
        parse_stat(page)
    assert str(caught.value).startswith(message), str(caught.value)


def test_entities_and_doctypes_are_refused_before_parsing() -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE rtmp [<!ENTITY a "haha">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rtmp>&b;</rtmp>'
    )
    external = '<!DOCTYPE rtmp SYSTEM "file:///etc/passwd"><rtmp/>'
    for page in (laughs, external):
        with pytest.raises(StatPageError, match="declares a DOCTYPE or entities"):
            parse_stat(page)


def test_a_page_too_large_is_refused() -> None:
    page = _page("empty").replace("<server>", "<server>" + " " * MAX_BYTES)

    with pytest.raises(StatPageError, match=f"larger than {MAX_BYTES} bytes"):
        parse_stat(page)


def test_unannounced_sizes_are_none_and_codec_names_are_ffmpegs() -> None:
    text = (
        _page("publishing")
        .replace("<width>320</width>", "<width>0</width>")
        .replace("<codec>AAC</codec>", "<codec>MP3</codec>", 1)
        .replace("<codec>H264</codec>", "<codec>Brand-New</codec>", 1)
    )

    _, alice = next(parse_stat(text).live())
    assert alice.video == VideoMeta(codec="brand-new", width=None, height=240, frame_rate=30.0)
    assert alice.audio is not None
    assert alice.audio.codec == "mp3"
