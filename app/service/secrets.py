"""Secrets of the config's tables: a value given in the file or by the environment variable
that holds it, and the factory of the error that names where a value is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

ConfigErrorFactory = Callable[[str, str], Exception]
"""`error(where, message)` makes the error to raise (`app.service.config.ConfigError`)."""


def value_or_env(
    table: dict[str, Any], where: str, key: str, env: Mapping[str, str], error: ConfigErrorFactory
) -> tuple[str, str]:
    """`key` (the value itself) or `key_env` (the variable that holds it): exactly one.

    Returns the value and where it came from (`auth.apps[0].secret_env (APP_SECRET)`), for the
    caller's own checks to name.
    """
    env_key = f"{key}_env"
    if (key in table) == (env_key in table):
        raise error(where, f"give {key} or {env_key} (one of them)")
    if key in table:
        value = table[key]
        if not isinstance(value, str) or not value:
            raise error(f"{where}.{key}", "must be a non-empty string")
        return value, f"{where}.{key}"
    variable = table[env_key]
    if not isinstance(variable, str) or not variable:
        raise error(f"{where}.{env_key}", "must name an environment variable")
    found = env.get(variable, "")
    if not found:
        raise error(f"{where}.{env_key}", f"the environment variable {variable} is not set")
    return found, f"{where}.{env_key} ({variable})"
