"""Where a recording's files go: a storage target from a request or a named profile, how each
vendor is addressed, and the key and URL a file gets there.

Every vendor is reached through its S3-compatible API (`app.service.storage.s3`):

| vendor | endpoint when none is given | buckets | `download_url` |
| --- | --- | --- | --- |
| `s3` | `https://s3.REGION.amazonaws.com` (us-east-1) | hosts | `https://BUCKET.s3.REGION...` |
| `oss` | `https://REGION.aliyuncs.com` (`oss-` added) | hosts | `https://BUCKET.REGION...` |
| `cos` | `https://cos.REGION.myqcloud.com` | hosts | `https://BUCKET.cos.REGION...` |
| `s3_compatible` | none: `endpoint` is required | in the path | `ENDPOINT/BUCKET/KEY` |

An `endpoint` given with `s3`, `oss` or `cos` replaces the vendor's own (a nearer or internal
host), buckets staying hosts under it; a server that takes them in the path is `s3_compatible`. The
`download_url` is the object's address, not a signed link: it opens as it is where the bucket is
readable, and otherwise with the keys (the service itself hands out a signed link when it has
dropped its local copy: `GET /v1/files/{id}?download=1`). Signed links expire, addresses do not,
and a file's record is kept for good.

A file's key is `PREFIX/FOLDER/NAME`: the target's `prefix` (slashes at its ends dropped), then
the file's place under the recordings folder.

The seeds' cloud-recording API numbers its vendors (seed 003 sends `Vendor: 2` with an `oss-`
region); `vendor_of` maps those numbers as the cloud-recording services that seed follows do:
1 Amazon S3, 2 Alibaba Cloud OSS, 3 Tencent Cloud COS, 11 any S3-compatible server (with an
endpoint). Others (Qiniu, Azure, Google, Huawei, Baidu) are refused.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import assert_never
from urllib.parse import quote, urlsplit

from app.api.errors import ApiError, ErrorCode
from app.api.models import StorageInfo, StorageParams, StorageVendor

_VENDOR_NUMBERS: dict[int, StorageVendor] = {1: "s3", 2: "oss", 3: "cos", 11: "s3_compatible"}
_DEFAULT_S3_REGION = "us-east-1"


def vendor_of(number: int) -> StorageVendor:
    """The vendor of the cloud-recording API's `StorageParams.Vendor` number (see the module doc);
    `invalid_value` for a number this service cannot store to."""
    try:
        return _VENDOR_NUMBERS[number]
    except KeyError:
        known = ", ".join(f"{n} ({v})" for n, v in _VENDOR_NUMBERS.items())
        raise ApiError(
            ErrorCode.invalid_value, f"storage vendor {number}: not supported; use {known}"
        ) from None


@dataclass(frozen=True)
class StorageTarget:
    """A bucket to upload to, resolved and checked, keys included (never shown: see `info`)."""

    vendor: StorageVendor
    endpoint: str  # the S3 API's base URL
    region: str
    bucket: str
    prefix: str
    access_key: str = field(repr=False)
    secret_key: str = field(repr=False)
    path_style: bool  # ENDPOINT/BUCKET/KEY rather than BUCKET.HOST/KEY
    profile: str | None = None

    def info(self) -> StorageInfo:
        """The target as answers show it: everything but the keys."""
        return StorageInfo(
            vendor=self.vendor,
            endpoint=self.endpoint,
            region=self.region,
            bucket=self.bucket,
            prefix=self.prefix,
            profile=self.profile,
        )

    def key_for(self, place: str) -> str:
        """The object key of a file at `place` (its path under the recordings folder)."""
        place = place.strip("/")
        return f"{self.prefix}/{place}" if self.prefix else place

    def url_for(self, key: str) -> str:
        """The object's address (see the module doc)."""
        quoted = quote(key, safe="/~")
        base = urlsplit(self.endpoint)
        if self.path_style:
            return f"{self.endpoint.rstrip('/')}/{quote(self.bucket, safe='')}/{quoted}"
        return f"{base.scheme}://{self.bucket}.{base.netloc}/{quoted}"

    def sealed_form(self) -> bytes:
        """The whole target as bytes, to keep sealed (`app.service.store.sealed`)."""
        return json.dumps(asdict(self), separators=(",", ":")).encode()

    @classmethod
    def from_sealed(cls, data: bytes) -> StorageTarget:
        """The target `sealed_form` wrote."""
        return cls(**json.loads(data))


def target_of(params: StorageParams, profile: str | None = None) -> StorageTarget:
    """A request's (or profile's) storage, checked and with the vendor's endpoint filled in."""
    region = (params.region or "").strip()
    endpoint = (params.endpoint or "").strip().rstrip("/")
    if endpoint:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise _invalid(profile, "endpoint", f"{endpoint!r} is not an http(s):// URL")
        if parts.path not in ("", "/") or parts.query:
            raise _invalid(profile, "endpoint", "give the server's address only, no path")
    match params.vendor:
        case "s3":
            region = region or _DEFAULT_S3_REGION
            endpoint = endpoint or f"https://s3.{region}.amazonaws.com"
        case "oss":
            if not endpoint:
                if not region:
                    raise _invalid(profile, "region", "OSS needs its region (oss-cn-hangzhou)")
                host = region if region.startswith("oss-") else f"oss-{region}"
                endpoint = f"https://{host}.aliyuncs.com"
            region = region.removeprefix("oss-")
        case "cos":
            if not endpoint:
                if not region:
                    raise _invalid(profile, "region", "COS needs its region (ap-guangzhou)")
                endpoint = f"https://cos.{region}.myqcloud.com"
        case "s3_compatible":
            if not endpoint:
                raise _invalid(profile, "endpoint", "an s3_compatible storage needs its endpoint")
            region = region or _DEFAULT_S3_REGION
        case _:
            assert_never(params.vendor)
    bucket = params.bucket.strip()
    if "/" in bucket or not bucket:
        raise _invalid(profile, "bucket", f"{params.bucket!r} is not a bucket name")
    return StorageTarget(
        vendor=params.vendor,
        endpoint=endpoint,
        region=region,
        bucket=bucket,
        prefix=params.prefix.strip("/"),
        access_key=params.access_key,
        secret_key=params.secret_key,
        # The vendors take buckets as hosts (OSS refuses them in the path); others in the path.
        path_style=params.vendor == "s3_compatible",
        profile=profile,
    )


def resolve(storage: StorageParams | str, profiles: Mapping[str, StorageParams]) -> StorageTarget:
    """A request's `storage`: its own parameters, or the service's profile of that name."""
    if isinstance(storage, StorageParams):
        return target_of(storage)
    if storage not in profiles:
        known = ", ".join(sorted(profiles)) or "none: add [storage.NAME] to the service's config"
        raise ApiError(
            ErrorCode.unknown_storage,
            f"storage: no storage profile {storage!r} (profiles: {known})",
        )
    return target_of(profiles[storage], storage)


def _invalid(profile: str | None, key: str, message: str) -> ApiError:
    where = f"storage profile {profile!r}: {key}" if profile else f"storage.{key}"
    return ApiError(ErrorCode.invalid_value, f"{where}: {message}")
