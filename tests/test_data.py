"""The drug's facts as data: schema and source checks, tables equal to the data, the published JSON."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from jsonschema import Draft202012Validator

from conftest import ROOT, build

sys.path.insert(0, str(ROOT / "scripts"))
import data_render  # noqa: E402
import drug_data  # noqa: E402
import kb_references  # noqa: E402

BIB_KEYS = set(
    kb_references.parse_bibliography((ROOT / "references.bib").read_text(encoding="utf-8"))[0].entries
)
FACTS = drug_data.load(ROOT, BIB_KEYS)[0].facts


def data_copy(tmp_path: Path, edit) -> Path:
    """A copy of data/ with one edit applied to the YAML text."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    target = tmp_path / drug_data.DATA
    target.write_text(edit(target.read_text(encoding="utf-8")), encoding="utf-8")
    return tmp_path


def line_of(root: Path, text: str) -> int:
    lines = (root / drug_data.DATA).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


# ------------------------------------------------------------------ schema and sources


def test_the_real_data_is_valid_and_every_source_is_in_the_bibliography() -> None:
    data, problems = drug_data.load(ROOT, BIB_KEYS)
    assert problems == []
    keys = [key for _, key in drug_data.sources(data.facts)]
    assert keys and set(keys) <= BIB_KEYS


def test_unknown_field_is_named_with_its_line(tmp_path: Path) -> None:
    root = data_copy(
        tmp_path,
        lambda t: t.replace(
            "  drugbank: {", "  kegg_id: {value: D05014, sources: [drugbank_metreleptin]}\n  drugbank: {"
        ),
    )
    _, problems = drug_data.load(root, BIB_KEYS)
    assert problems == [
        f"data/metreleptin.yaml:{line_of(root, 'kegg_id')}: identity.kegg_id: unknown field (not in data/metreleptin.schema.json)"
    ]


def test_missing_source_is_named_with_its_line(tmp_path: Path) -> None:
    root = data_copy(
        tmp_path,
        lambda t: t.replace(
            "drugbank: {value: DB09046, sources: [drugbank_metreleptin]}", "drugbank: {value: DB09046}"
        ),
    )
    _, problems = drug_data.load(root, BIB_KEYS)
    assert problems == [
        f"data/metreleptin.yaml:{line_of(root, 'DB09046')}: identity.drugbank.sources: missing"
    ]


def test_source_key_not_in_the_bibliography_is_named(tmp_path: Path) -> None:
    root = data_copy(tmp_path, lambda t: t.replace("sources: [who2015atc, ", "sources: [who2051atc, "))
    _, problems = drug_data.load(root, BIB_KEYS)
    assert problems == [
        f"data/metreleptin.yaml:{line_of(root, 'who2051atc')}: identity.atc.sources[0]: 'who2051atc' is not in references.bib"
    ]


def test_wrong_type_and_bad_date_and_invalid_yaml(tmp_path: Path) -> None:
    root = data_copy(
        tmp_path,
        lambda t: t.replace("value: 2014-02-24", "value: 2014-02-31x").replace("value: 147", "value: many"),
    )
    _, problems = drug_data.load(root, BIB_KEYS)
    assert len(problems) == 2
    assert any(
        re.match(
            r"data/metreleptin\.yaml:\d+: approvals\[1\]\.decision_date\.value: '2014-02-31x' does not match",
            p,
        )
        for p in problems
    )
    assert any(
        re.match(
            r"data/metreleptin\.yaml:\d+: identity\.sequence_length\.value: 'many' is not of type 'integer'",
            p,
        )
        for p in problems
    )
    (root / drug_data.DATA).write_text("identity: {inn: [\n", encoding="utf-8")
    assert re.match(r"data/metreleptin\.yaml:\d+: invalid YAML", drug_data.load(root, BIB_KEYS)[1][0])


def test_bad_data_stops_the_build_with_one_line(scratch_project: Path, tmp_path: Path) -> None:
    path = scratch_project / drug_data.DATA
    path.write_text(path.read_text(encoding="utf-8").replace("  cas: {", "  casnumber: {"), encoding="utf-8")
    result = build(scratch_project, tmp_path / "out")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert re.search(r"ERROR +- +data/metreleptin\.yaml:\d+: identity\.casnumber: unknown field", output), (
        output
    )


def test_unknown_marker_stops_the_build_with_file_and_line(scratch_project: Path, tmp_path: Path) -> None:
    page = scratch_project / "docs" / "indication.md"
    lines = page.read_text(encoding="utf-8").count("\n")
    page.write_text(
        page.read_text(encoding="utf-8") + "\nApproved on <!-- kb:fact approvals.uk.decision_date -->.\n",
        encoding="utf-8",
    )
    result = build(scratch_project, tmp_path / "out")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"docs/indication.md:{lines + 2}: unknown kb:fact 'approvals.uk.decision_date'" in output, output


def test_markers_in_code_stay_literal() -> None:
    markdown = (
        "Use `<!-- kb:fact identity.atc -->` to show <!-- kb:fact identity.atc -->.\n\n"
        "```markdown\n<!-- kb:data facts-box -->\n```\n"
    )
    expanded, problems = data_render.expand(markdown, FACTS, "p.md")
    assert problems == []
    assert expanded.startswith("Use `<!-- kb:fact identity.atc -->` to show A16AA07[@")
    assert expanded.endswith("```markdown\n<!-- kb:data facts-box -->\n```\n")


def test_rendered_values_are_escaped_as_markdown() -> None:
    facts = json.loads(json.dumps(FACTS))
    facts["identity"]["route"]["value"] = "a | b <script> *c* [d]"
    out = data_render.render_table("facts-box", "", facts)
    assert "a \\| b &lt;script&gt; \\*c\\* \\[d\\]" in out and "<script>" not in out


# ------------------------------------------------------------------ pages render the data


def text(cell) -> str:
    """A table cell's text without its citation numbers."""
    for sup in cell.select("sup"):
        sup.decompose()
    return " ".join(cell.get_text().split())


def plain(value: str) -> str:
    return " ".join(value.split())


def table_after_marker(site: Path, page: str, header: str) -> list[list[str]]:
    doc = BeautifulSoup((site / page / "index.html").read_text(encoding="utf-8"), "html.parser")
    for table in doc.select("article table"):
        if text(table.select_one("th")) == header:
            return [[text(c) for c in row.select("th, td")] for row in table.select("tr")]
    raise AssertionError(f"no table headed {header!r} on /{page}/")


@pytest.mark.parametrize("page", ["indication", "history-and-access"])
def test_approval_tables_equal_the_data(site: Path, page: str) -> None:
    rows = table_after_marker(site, page, "Region")[1:]
    assert len(rows) == len(FACTS["approvals"])
    for row, approval in zip(rows, FACTS["approvals"], strict=True):
        assert row[0] == approval["region"]
        assert row[1] == plain(approval["brand_name"]["value"])
        assert row[2] == plain(approval["authority"]["value"])
        if "decision_date" in approval:
            assert data_render.date(approval["decision_date"]["value"]) in row[3]
        for holder in ("holder_at_approval", "holder_now"):
            if holder in approval:
                assert plain(approval[holder]["value"]) in row[4]
        assert row[5] == plain(approval["indication"]["value"])


def test_eligibility_table_equals_the_data(site: Path) -> None:
    rows = table_after_marker(site, "clinical-use", "Region (brand)")[1:]
    for row, approval in zip(rows, FACTS["approvals"], strict=True):
        assert row[1] == plain(approval["indication"]["value"])
        assert row[2] == data_render.ages(approval["minimum_age"])
        assert row[3] == plain(approval.get("conditions", {}).get("value", ""))


def test_dose_tables_equal_the_data(site: Path) -> None:
    doc = BeautifulSoup((site / "clinical-use" / "index.html").read_text(encoding="utf-8"), "html.parser")
    tables = [t for t in doc.select("article table") if text(t.select_one("th")) == "Patient group"]
    assert len(tables) == len(FACTS["dosing"])
    for table, dosing in zip(tables, FACTS["dosing"], strict=True):
        header = [text(c) for c in table.select("tr")[0].select("th")]
        rows = [[text(c) for c in row.select("td")] for row in table.select("tr")[1:]]
        assert len(rows) == len(dosing["rows"])
        for row, datum in zip(rows, dosing["rows"], strict=True):
            cells = dict(zip(header, row, strict=True))
            assert cells["Patient group"] == datum["group"]
            for field, label in [
                ("starting", "Starting daily dose"),
                ("adjustment", "Adjustment steps"),
                ("target", "Target daily dose"),
                ("maximum", "Maximum daily dose"),
            ]:
                assert cells.get(label, "") == datum.get(field, ""), (dosing["id"], field)


def test_facts_box_equals_the_data_and_every_row_is_cited(site: Path) -> None:
    doc = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    box = doc.select_one("article .kb-facts table")
    assert box is not None
    before = [
        el.get("class")
        for el in box.find_all_previous(["p", "h2", "div", "table", "ul"])
        if el.find_parent("article")
    ]
    assert before == [["kb-facts"], ["kb-page-status"]] or before == [
        ["md-typeset__table"],
        ["md-typeset__scrollwrap"],
        ["kb-facts"],
        ["kb-page-status"],
    ], f"the home page opens with the facts box: {before}"
    rows = box.select("tr")[1:]
    assert all(row.select("a.footnote-ref") for row in rows), "every row carries a citation"
    cells = {text(row.select("td")[0]): text(row.select("td")[1]) for row in rows}
    identity = FACTS["identity"]
    assert cells["ATC code"] == identity["atc"]["value"]
    assert cells["UNII (FDA)"] == identity["unii"]["value"]
    assert cells["Molecular formula"] == identity["formula"]["value"]
    assert cells["Average mass"] == f"{identity['average_mass_da']['value']:,.2f} Da"
    assert cells["Length"] == f"{identity['sequence_length']['value']} amino acids"
    for brand in identity["brand_names"]:
        assert cells[f"Brand name, {brand['region']}"] == plain(brand["value"])
    for approval in FACTS["approvals"]:
        if "decision_date" in approval:
            assert cells[f"Approved, {approval['region']}"] == data_render.date(
                approval["decision_date"]["value"]
            )


def test_no_page_retypes_a_datum_the_data_holds() -> None:
    """Identifiers, approval dates, doses per kilogram and minimum ages appear in pages only through data markers."""
    identity = FACTS["identity"]
    values = [identity[f]["value"] for f in ("atc", "cas", "unii", "drugbank", "formula") if f in identity]
    values += [f"{identity['average_mass_da']['value']:,.2f}"]
    for approval in FACTS["approvals"]:
        for field in ("decision_date", "announced"):
            if field in approval and len(approval[field]["value"]) == 10:
                day = data_render.date(approval[field]["value"])
                values += [day, approval[field]["value"]]
    for dosing in FACTS["dosing"]:
        for row in dosing["rows"]:
            for field in ("starting", "adjustment", "target", "maximum"):
                if field in row and "/kg" in row[field]:
                    values.append(
                        row[field].split(" (")[0]
                    )  # "0.06 mg/kg": doses per kilogram are distinctive
    ages = []
    for approval in FACTS["approvals"]:
        for form in ("generalized", "partial"):
            if form in approval["minimum_age"]:
                age = approval["minimum_age"][form]
                ages += [
                    rf"\bfrom age {age}\b",
                    rf"\bat age {age}\b",
                    rf"\bage {age} in\b",
                    rf"\b{age} years \((?:generalized|partial)",
                ]
    assert len(values) > 15 and ages
    split_dates = []  # "25 March" on a line that also gives "2013" (a timeline row, "on 25 March" in 2013)
    for approval in FACTS["approvals"]:
        for field in ("decision_date", "announced"):
            if field in approval and len(approval[field]["value"]) == 10:
                day, month, year = data_render.date(approval[field]["value"]).split()
                split_dates.append((rf"\b{day} {month}\b|\b{month} {day}\b", year))
    for page in sorted((ROOT / "docs").rglob("*.md")):
        source = data_render.MARKER.sub("", page.read_text(encoding="utf-8"))
        for value in values:
            assert value not in source, f"{page.relative_to(ROOT)} retypes {value!r}: use a kb:fact marker"
        for line in source.splitlines():
            for pattern, year in split_dates:
                found = re.search(pattern, line)
                assert not (found and year in line), (
                    f"{page.relative_to(ROOT)} retypes {found.group(0)} {year}: {line[:80]}"
                )
        for line in source.splitlines():
            # Ages are checked in lines about lipodystrophy (not another drug's label), and not in a
            # reimbursement body's own eligibility criteria, which are its data rather than the label's.
            if "@cadth2024metreleptin" in line or not ("lipodystrophy" in line.lower() or " PL" in line):
                continue
            for pattern in ages:
                found = re.search(pattern, line)
                assert not found, f"{page.relative_to(ROOT)} retypes {found.group(0)!r}: use a kb:fact marker"


# ------------------------------------------------------------------ the published JSON


def test_published_json_follows_its_schema_and_matches_the_data(site: Path) -> None:
    published = json.loads((site / "data" / "metreleptin.json").read_text(encoding="utf-8"))
    schema = json.loads((site / "data" / "metreleptin.schema.json").read_text(encoding="utf-8"))
    assert schema == json.loads((ROOT / drug_data.SCHEMA).read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(published)) == []
    source = yaml.load((ROOT / drug_data.DATA).read_text(encoding="utf-8"), Loader=drug_data._Loader)
    assert {k: v for k, v in published.items() if k not in ("$schema", "license", "sources")} == source
    assert published["license"].startswith("CC BY 4.0")
    cited = {key for _, key in drug_data.sources(source)}
    assert set(published["sources"]) == cited
    references = BeautifulSoup(
        (site / "references" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    for key, resolved in published["sources"].items():
        assert resolved.get("doi") or resolved.get("url"), key
        assert resolved["reference"].endswith(f"/references/#{key}")
        assert references.find(id=key) is not None, key


def test_about_page_links_the_data_and_its_schema(site: Path) -> None:
    doc = BeautifulSoup((site / "about" / "index.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = {a["href"] for a in doc.select("#data ~ ul a")}
    assert {"../data/metreleptin.json", "../data/metreleptin.schema.json"} <= hrefs
