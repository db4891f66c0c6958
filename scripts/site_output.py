"""Clean-up of the written site, and the files written beside the pages."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File

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


def data_files(
    config, published: dict[str, Any], schema_text: str, json_name: str, schema_name: str
) -> list[File]:
    """The drug's facts as JSON and the JSON Schema they follow, as site files at stable addresses.

    Generated files are part of MkDocs' file list, so pages can link them and the strict build
    checks those links.
    """
    text = json.dumps(published, ensure_ascii=False, indent=2) + "\n"
    return [
        File.generated(config, json_name, content=text),
        File.generated(config, schema_name, content=schema_text),
    ]
