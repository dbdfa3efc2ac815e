"""Voila pages compile the course's page templates once per server, not once per page.

Voila builds a new exporter, and with it a new Jinja environment, for every page it
serves, so each page compiled its templates again: about 0.35 s of the server's time
per page, while the trainee waits.  A bytecode cache shared by all those environments
keeps the compiled templates; Jinja checks each one against its source, so an edited
template is compiled afresh.
"""
from __future__ import annotations

from jinja2 import BytecodeCache


class SharedBytecode(BytecodeCache):
    """Compiled templates in memory, keyed as Jinja keys them (name, file, checksum)."""

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()


CACHE = SharedBytecode()


def share_compiled_templates() -> bool:
    """Give every Voila page's Jinja environment the one CACHE; False without Voila."""
    try:
        from voila.exporter import VoilaExporter
    except ImportError:
        return False
    environment = VoilaExporter.environment
    if getattr(environment.fget, "shares_cache", False):
        return True

    def with_shared_cache(exporter):
        env = environment.fget(exporter)
        env.bytecode_cache = CACHE
        return env

    with_shared_cache.shares_cache = True
    VoilaExporter.environment = property(with_shared_cache)
    return True
