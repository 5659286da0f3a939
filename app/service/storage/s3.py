"""One bucket through its S3 API (boto3): the calls an upload is made of, each blocking, so they
run on the upload threads, never on the event loop.

A part or a small file is read from disk in the calling thread and sent with its MD5
(`Content-MD5`), which every S3-compatible server checks, so a damaged part is refused rather than
stored; boto3's newer default checksums (CRC headers some S3-compatible servers refuse) are sent
only where the API requires them. boto3 retries a failed call twice itself, quickly; what keeps
failing comes back as a `StorageError` (`app.service.storage.errors`), one line with no keys in
it, and the upload queue (`app.service.storage.uploads`) tries again later.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import botocore.config
import botocore.exceptions

from app.service.storage.errors import StorageError, UploadGone
from app.service.storage.targets import StorageTarget

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


class Bucket:
    """The S3 calls of uploads to one target; safe to call from several threads at once."""

    def __init__(
        self, target: StorageTarget, *, connect_timeout: float = 10, read_timeout: float = 60
    ) -> None:
        self.target = target
        config = botocore.config.Config(
            region_name=target.region,
            signature_version="s3v4",
            s3={"addressing_style": "path" if target.path_style else "virtual"},
            retries={"mode": "standard", "total_max_attempts": 3},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            user_agent_extra="recdesk",
        )
        # A session of its own: boto3's default one is not safe to share between threads.
        session = boto3.session.Session(
            aws_access_key_id=target.access_key, aws_secret_access_key=target.secret_key
        )
        self._s3: S3Client = session.client("s3", endpoint_url=target.endpoint, config=config)

    def close(self) -> None:
        """Close its connections."""
        self._s3.close()

    # --- objects ----------------------------------------------------------------------------------

    def put(self, key: str, path: Path) -> None:
        """Upload a small file whole."""
        data = path.read_bytes()
        self._call(
            "PUT",
            key,
            self._s3.put_object,
            Bucket=self._name,
            Key=key,
            Body=data,
            ContentMD5=_md5(data),
        )

    def size_of(self, key: str) -> int | None:
        """The stored object's size, None if there is no such object."""
        try:
            head = self._s3.head_object(Bucket=self._name, Key=key)
        except botocore.exceptions.ClientError as exc:
            if _status(exc) == 404:
                return None
            raise self._error("HEAD", key, exc) from None
        except (botocore.exceptions.BotoCoreError, OSError) as exc:
            raise self._error("HEAD", key, exc) from None
        return int(head["ContentLength"])

    def signed_url(self, key: str, seconds: int) -> str:
        """A link that downloads the object for `seconds` (made here: no request is sent)."""
        return self._s3.generate_presigned_url(
            "get_object", Params={"Bucket": self._name, "Key": key}, ExpiresIn=seconds
        )

    # --- multipart --------------------------------------------------------------------------------

    def start_multipart(self, key: str) -> str:
        """Begin a multipart upload; its id."""
        answer = self._call(
            "CreateMultipartUpload",
            key,
            self._s3.create_multipart_upload,
            Bucket=self._name,
            Key=key,
        )
        return str(answer["UploadId"])

    def put_part(
        self, key: str, upload_id: str, number: int, *, path: Path, offset: int, size: int
    ) -> str:
        """Upload part `number` (from 1): `size` bytes of the file from `offset`; its ETag."""
        with path.open("rb") as file:
            file.seek(offset)
            data = file.read(size)
        if len(data) != size:
            raise StorageError(f"{path.name}: {len(data)} bytes at {offset}, not {size}")
        answer = self._call(
            f"part {number}",
            key,
            self._s3.upload_part,
            Bucket=self._name,
            Key=key,
            UploadId=upload_id,
            PartNumber=number,
            Body=data,
            ContentMD5=_md5(data),
        )
        return str(answer["ETag"])

    def parts(self, key: str, upload_id: str) -> dict[int, tuple[str, int]]:
        """The parts the server holds: number → (ETag, size)."""
        found: dict[int, tuple[str, int]] = {}
        marker = 0
        while True:
            page = self._call(
                "ListParts",
                key,
                self._s3.list_parts,
                Bucket=self._name,
                Key=key,
                UploadId=upload_id,
                PartNumberMarker=marker,
            )
            for part in page.get("Parts", []):
                found[int(part["PartNumber"])] = (str(part["ETag"]), int(part["Size"]))
            if not page.get("IsTruncated"):
                return found
            marker = int(page["NextPartNumberMarker"])

    def complete(self, key: str, upload_id: str, etags: list[tuple[int, str]]) -> None:
        """Join the parts into the object."""
        self._call(
            "CompleteMultipartUpload",
            key,
            self._s3.complete_multipart_upload,
            Bucket=self._name,
            Key=key,
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in etags]},
        )

    # --- inner workings ---------------------------------------------------------------------------

    @property
    def _name(self) -> str:
        return self.target.bucket

    def _call(self, what: str, key: str, method: Any, **kwargs: Any) -> Any:
        try:
            return method(**kwargs)
        except botocore.exceptions.ClientError as exc:
            if _code(exc) == "NoSuchUpload":
                raise UploadGone(f"{what} {key}: the multipart upload is gone") from None
            raise self._error(what, key, exc) from None
        except (botocore.exceptions.BotoCoreError, OSError) as exc:
            raise self._error(what, key, exc) from None

    def _error(self, what: str, key: str, exc: Exception) -> StorageError:
        where = f"{self.target.endpoint}/{self._name}"
        if isinstance(exc, botocore.exceptions.ClientError):
            error = exc.response.get("Error", {})
            detail = f"{error.get('Code') or _status(exc)}: {error.get('Message') or 'refused'}"
        elif isinstance(exc, botocore.exceptions.EndpointConnectionError):
            detail = "cannot connect"
        else:
            detail = " ".join(str(exc).split()) or type(exc).__name__
        return StorageError(f"{what} {key} at {where}: {detail}")


def _md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()


def _code(exc: botocore.exceptions.ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _status(exc: botocore.exceptions.ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
