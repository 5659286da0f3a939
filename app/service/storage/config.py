"""Storage profiles of the service's config file: `[storage.NAME]` tables, checked at the start.

```toml
[storage.archive]                  # a request's (or preset's) `storage = "archive"` uploads here
vendor = "s3_compatible"           # s3 | oss | cos | s3_compatible (see
app.service.storage.targets) endpoint = "https://minio.example.net:9000"
region = "us-east-1"               # optional for s3 and s3_compatible
bucket = "recordings"
prefix = "studio/"                 # optional: keys start with it
access_key = "AKIA..."             # or access_key_env = "VARIABLE"
secret_key_env = "ARCHIVE_SECRET"  # or secret_key = "..." in the file itself
```

Each key is given in the file (`access_key`, `secret_key`) or named by the environment variable
that holds it (`access_key_env`, `secret_key_env`), read when the service starts; a variable that
is unset or empty stops the start, naming it. A file that holds keys must be readable by the
service's user only (`chmod 600`), as any file of credentials.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from app.api.errors import ApiError
from app.api.models import StorageParams
from app.service.secrets import ConfigErrorFactory, value_or_env
from app.service.storage.targets import target_of

"""Makes the config file's error for (the key's path, what is wrong)."""

_PLAIN_KEYS = ("vendor", "endpoint", "region", "bucket", "prefix")
_SECRET_KEYS = ("access_key", "secret_key")
_KEYS = (*_PLAIN_KEYS, *_SECRET_KEYS, *(f"{key}_env" for key in _SECRET_KEYS))


def read_storage(
    value: object, error: ConfigErrorFactory, environ: Mapping[str, str] | None = None
) -> dict[str, StorageParams]:
    """The `[storage.NAME]` tables, validated; `error(where, message)` makes the error to raise."""
    env = os.environ if environ is None else environ
    if not isinstance(value, dict):
        raise error("storage", "must be a table of storage profiles ([storage.NAME])")
    profiles: dict[str, StorageParams] = {}
    for name, table in value.items():
        where = f"storage.{name}"
        if not isinstance(table, dict):
            raise error(where, "must be a table ([storage.NAME] with vendor, bucket, keys, ...)")
        for key in table:
            if key not in _KEYS:
                raise error(f"{where}.{key}", f"unknown key; use {', '.join(_KEYS)}")
        fields: dict[str, Any] = {key: table[key] for key in _PLAIN_KEYS if key in table}
        for key in _SECRET_KEYS:
            fields[key] = _secret(table, where, key, env, error)
        try:
            params = StorageParams.model_validate(fields)
        except ValidationError as exc:
            first = exc.errors()[0]
            at = ".".join(str(part) for part in first["loc"])
            raise error(f"{where}.{at}" if at else where, first["msg"]) from None
        try:
            target_of(params)
        except ApiError as exc:  # "storage.KEY: problem"
            key, _, problem = exc.message.removeprefix("storage.").partition(": ")
            raise error(f"{where}.{key}", problem) from None
        profiles[name] = params
    return profiles


def _secret(
    table: dict[str, Any], where: str, key: str, env: Mapping[str, str], error: ConfigErrorFactory
) -> str:
    """`key` (the value itself) or `key_env` (the variable that holds it): exactly one."""
    return value_or_env(table, where, key, env, error)[0]
