"""The drug's facts as cited data: data/metreleptin.yaml, checked against its JSON Schema.

One truth per fact. The build validates the file with ``jsonschema`` (the schema is published with
the data), then checks that every source key is in references.bib. Each problem is one line,
``data/metreleptin.yaml:LINE: field.path: message``. Pages show the data through ``data_render``;
the build publishes it as /data/metreleptin.json with each key resolved (``published``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

DATA = "data/metreleptin.yaml"
SCHEMA = "data/metreleptin.schema.json"
PUBLISHED = "data/metreleptin.json"
PUBLISHED_SCHEMA = "data/metreleptin.schema.json"
LICENSE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when PyYAML has it
    """Safe YAML in which dates stay strings ("2014-02-24"), as JSON has no date type."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class DrugData:
    path: str
    facts: dict[str, Any] = field(default_factory=dict)
    lines: dict[tuple, int] = field(default_factory=dict)  # field path -> line in the YAML file


def _node_lines(node: yaml.Node, path: tuple = ()) -> Iterator[tuple[tuple, int]]:
    yield path, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield path + (key.value,), key.start_mark.line + 1
            yield from (
                (p, n) for p, n in _node_lines(value, path + (key.value,)) if p != path + (key.value,)
            )
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _node_lines(item, path + (index,))


def dotted(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _line(data: DrugData, path: tuple) -> int:
    while path and path not in data.lines:
        path = path[:-1]
    return data.lines.get(path, 1)


def schema(root: Path) -> dict[str, Any]:
    return json.loads((root / SCHEMA).read_text(encoding="utf-8"))


def load(root: Path, bib_keys: set[str], path: str = DATA) -> tuple[DrugData, list[str]]:
    """Read and validate the data file. Returns the data and one line per problem."""
    data = DrugData(path)
    text = (root / path).read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=_Loader)
        facts = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        return data, [f"{path}:{line}: invalid YAML: {getattr(error, 'problem', None) or error}"]
    data.lines = dict(_node_lines(node)) if node is not None else {}
    problems = []
    validator = Draft202012Validator(schema(root))
    for error in sorted(validator.iter_errors(facts), key=lambda e: [str(p) for p in e.absolute_path]):
        where = tuple(error.absolute_path)
        if error.validator == "additionalProperties":
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            for name in extra:
                problems.append(
                    f"{path}:{_line(data, where + (name,))}: {dotted(where + (name,))}: unknown field"
                    f" (not in {SCHEMA})"
                )
            continue
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else error.message
            problems.append(f"{path}:{_line(data, where)}: {dotted(where + (missing,))}: missing")
            continue
        problems.append(f"{path}:{_line(data, where)}: {dotted(where)}: {error.message}")
    if problems:
        return data, problems
    data.facts = facts
    for where, key in sources(facts):
        if key not in bib_keys:
            problems.append(f"{path}:{_line(data, where)}: {dotted(where)}: '{key}' is not in references.bib")
    return data, problems


def sources(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every (field path, source key) in the data."""
    if isinstance(value, dict):
        for name, item in value.items():
            if name == "sources" and isinstance(item, list):
                for index, key in enumerate(item):
                    yield path + ("sources", index), key
            else:
                yield from sources(item, path + (name,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from sources(item, path + (index,))


def get(facts: dict[str, Any], dotted_path: str) -> Any:
    """A datum by its dotted path; list items by their ``id`` ("approvals.us.decision_date")."""
    value: Any = facts
    for part in dotted_path.split("."):
        if isinstance(value, list):
            matches = [item for item in value if isinstance(item, dict) and item.get("id") == part]
            if not matches:
                raise KeyError(dotted_path)
            value = matches[0]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            raise KeyError(dotted_path)
    return value


def get_cited(facts: dict[str, Any], dotted_path: str) -> tuple[Any, list[str]]:
    """A datum and the sources that support it: its own, or those of the row or field that holds it."""
    value: Any = facts
    cited: list[str] = []
    for part in dotted_path.split("."):
        if isinstance(value, dict) and isinstance(value.get("sources"), list):
            cited = value["sources"]
        value = get(value, part)
    if isinstance(value, dict):
        if not isinstance(value.get("sources"), list) or "value" not in value:
            raise KeyError(dotted_path)
        return value["value"], value["sources"]
    if not cited or isinstance(value, list) and dotted_path.endswith(".sources"):
        raise KeyError(dotted_path)
    return value, cited


def published(facts: dict[str, Any], resolved: dict[str, dict[str, str]]) -> dict[str, Any]:
    """The data as published: the facts, the schema's address, the licence and every source resolved."""
    keys = sorted({key for _, key in sources(facts)})
    return {
        "$schema": "metreleptin.schema.json",
        "license": LICENSE,
        **facts,
        "sources": {key: resolved[key] for key in keys},
    }
