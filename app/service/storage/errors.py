"""What a storage call that failed raises (`app.service.storage.s3` raises them).

```
StorageError (RecDeskError)         a call failed: unreachable, refused, or a wrong answer
 └─ UploadGone                      the multipart upload is no longer on the server
```

Kept apart from the S3 client so the upload queue names them without importing boto3, which a
service with no storage configured never needs (it takes a tenth of a second to import).
"""

from __future__ import annotations

from app.errors import RecDeskError


class StorageError(RecDeskError):
    """A storage call failed; the message says which and why, in one line."""

    caller_fault = False


class UploadGone(StorageError):
    """The multipart upload was completed, aborted or expired on the server."""
