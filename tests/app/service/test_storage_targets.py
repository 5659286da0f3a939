"""Storage targets: each vendor's endpoint and addresses, the seeds' vendor numbers, profiles, and
keys that never show."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.api.errors import ApiError, ErrorCode
from app.api.models import RecordedFile, StorageParams
from app.service.storage.targets import StorageTarget, resolve, target_of, vendor_of
from app.service.storage.upload import Plan, plan_for

KEYS = {"access_key": "AKIAEXAMPLE", "secret_key": "very-secret"}


def _target(**fields: str) -> StorageTarget:
    return target_of(StorageParams.model_validate({"bucket": "rec", **KEYS, **fields}))


@pytest.mark.parametrize(
    ("fields", "endpoint", "url"),
    [
        (
            {"vendor": "s3", "region": "eu-west-1"},
            "https://s3.eu-west-1.amazonaws.com",
            "https://rec.s3.eu-west-1.amazonaws.com/a/b%20c.mp4",
        ),
        (
            {"vendor": "oss", "region": "oss-cn-hangzhou"},
            "https://oss-cn-hangzhou.aliyuncs.com",
            "https://rec.oss-cn-hangzhou.aliyuncs.com/a/b%20c.mp4",
        ),
        (
            {"vendor": "oss", "region": "cn-hangzhou"},
            "https://oss-cn-hangzhou.aliyuncs.com",
            "https://rec.oss-cn-hangzhou.aliyuncs.com/a/b%20c.mp4",
        ),
        (
            {"vendor": "cos", "region": "ap-guangzhou"},
            "https://cos.ap-guangzhou.myqcloud.com",
            "https://rec.cos.ap-guangzhou.myqcloud.com/a/b%20c.mp4",
        ),
        (
            {"endpoint": "http://127.0.0.1:9000/"},
            "http://127.0.0.1:9000",
            "http://127.0.0.1:9000/rec/a/b%20c.mp4",
        ),
    ],
)
def test_each_vendor_has_its_endpoint_and_addresses(
    fields: dict[str, str], endpoint: str, url: str
):
    target = _target(**fields)
    assert target.endpoint == endpoint
    assert target.url_for("a/b c.mp4") == url


def test_keys_never_show_and_the_prefix_starts_every_key():
    target = _target(endpoint="http://127.0.0.1:9000", prefix="/studio/rooms/")
    assert target.key_for("lectures/x.mp4") == "studio/rooms/lectures/x.mp4"
    assert _target(endpoint="http://s3.test").key_for("/x.mp4") == "x.mp4"
    for shown in (repr(target), target.info().model_dump_json()):
        assert "very-secret" not in shown
        assert "AKIAEXAMPLE" not in shown
    assert StorageTarget.from_sealed(target.sealed_form()) == target


def test_the_seeds_vendor_numbers():
    assert [vendor_of(n) for n in (1, 2, 3, 11)] == ["s3", "oss", "cos", "s3_compatible"]
    with pytest.raises(ApiError, match="storage vendor 5: not supported") as refused:
        vendor_of(5)
    assert refused.value.code is ErrorCode.invalid_value


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"vendor": "s3_compatible"}, "storage.endpoint: an s3_compatible storage needs"),
        ({"vendor": "oss"}, "storage.region: OSS needs its region"),
        ({"vendor": "cos"}, "storage.region: COS needs its region"),
        ({"endpoint": "ftp://host"}, "storage.endpoint: 'ftp://host' is not an http"),
        ({"endpoint": "http://host/bucket"}, "storage.endpoint: give the server's address only"),
        ({"endpoint": "http://host", "bucket": "a/b"}, "storage.bucket"),
    ],
)
def test_a_storage_that_cannot_work_is_refused(fields: dict[str, str], message: str):
    with pytest.raises(ApiError, match=message) as refused:
        _target(**fields)
    assert refused.value.code is ErrorCode.invalid_value


def test_a_profile_is_found_by_name_and_an_unknown_one_is_refused():
    profile = StorageParams(endpoint="http://s3.test", bucket="archive", **KEYS)
    target = resolve("archive", {"archive": profile})
    assert (target.bucket, target.profile, target.info().profile) == (
        "archive",
        "archive",
        "archive",
    )
    with pytest.raises(ApiError, match=r"no storage profile 'other' \(profiles: archive\)") as e:
        resolve("other", {"archive": profile})
    assert e.value.code is ErrorCode.unknown_storage
    with pytest.raises(ApiError, match=r"profiles: none: add \[storage.NAME\]"):
        resolve("other", {})


def test_an_hls_playlist_uploads_its_segments_first(tmp_path: Path):
    folder = tmp_path / "recordings" / "talks"
    folder.mkdir(parents=True)
    (folder / "t-00001.ts").write_bytes(b"a" * 10)
    (folder / "t-00002.ts").write_bytes(b"b" * 20)
    (folder / "t.m3u8").write_text("#EXTM3U\n#EXTINF:1,\nt-00001.ts\n#EXTINF:1,\nt-00002.ts\n")
    file = RecordedFile.model_validate(
        {
            "file_id": "f_1",
            "recording_id": "r_1",
            "room_id": "talks",
            "name": "t.m3u8",
            "path": "recordings/talks/t.m3u8",
            "size": 100,
            "duration": 2.0,
            "start": "2026-01-01T00:00:00Z",
            "end": "2026-01-01T00:00:02Z",
        }
    )
    target = _target(endpoint="http://s3.test", prefix="p")
    plan = plan_for(file, target, tmp_path, tmp_path / "recordings")
    assert [(i.path, i.key, i.size) for i in plan.items] == [
        ("recordings/talks/t-00001.ts", "p/talks/t-00001.ts", 10),
        ("recordings/talks/t-00002.ts", "p/talks/t-00002.ts", 20),
        ("recordings/talks/t.m3u8", "p/talks/t.m3u8", (folder / "t.m3u8").stat().st_size),
    ]
    assert Plan.from_json(plan.to_json()) == plan
    assert (plan.sent, plan.total) == (0, 30 + plan.items[-1].size)
