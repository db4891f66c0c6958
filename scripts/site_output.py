"""Clean-up of the written site."""

from __future__ import annotations

import re
from pathlib import Path

SOURCE_MAP_COMMENT = re.compile(rb"\n?/[/*]# sourceMappingURL=\S+?\.map(?: \*/|\*/)?\s*$")


def prune_source_maps(site_dir: Path) -> int:
    """Theme source maps are for theme developers, not readers: remove them and their references."""
    removed = 0
    for source_map in (site_dir / "assets").rglob("*.map"):
        source_map.unlink()
        removed += 1
        minified = source_map.with_suffix("")
        if minified.exists():
            minified.write_bytes(SOURCE_MAP_COMMENT.sub(b"\n", minified.read_bytes()))
    return removed
