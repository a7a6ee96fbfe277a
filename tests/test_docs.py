"""The reference in docs/ stays in step with the code it describes, and stays inside the repository.

A user's clone has nothing outside the repository, so the docs may only link to files in it. Each
test reads the source of truth (the argparse parser, the JSON Schemas, the policy's defaults, the
settings' environment variables) and checks the page that documents it: a new option, field, key
or variable without its line in docs/ fails here, and so does a line about one that is gone.
"""

from __future__ import annotations

import argparse
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SCHEMAS = ROOT / "schemas"
PAGES = ("index.md", "commands.md", "inputs.md", "outputs.md", "policy.md", "deployment.md", "design.md")
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def without_code(text: str) -> str:
    """Markdown prose only: fenced code blocks and inline code spans removed."""
    text = re.sub(r"^(```|~~~).*?^\1[^\n]*$", "", text, flags=re.S | re.M)
    return re.sub(r"`[^`\n]*`", "", text)


def headings(text: str) -> list[tuple[int, int, str]]:
    """(line index, level, title) of every heading outside fenced code."""
    out, fenced = [], False
    for n, line in enumerate(text.splitlines()):
        if line.startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and (m := re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)):
            out.append((n, len(m.group(1)), m.group(2)))
    return out


def section(text: str, title: re.Pattern) -> str:
    """The text under the first heading whose title matches, up to the next heading of its level or above."""
    lines = text.splitlines()
    found = headings(text)
    for i, (n, level, heading) in enumerate(found):
        if title.search(heading):
            end = next((m for m, lv, _ in found[i + 1 :] if lv <= level), len(lines))
            return "\n".join(lines[n:end])
    pytest.fail(f"no heading matching {title.pattern!r}")


def table_rows(text: str) -> list[list[str]]:
    """The cells of every table row (header and separator rows included)."""
    return [
        [c.strip() for c in line.strip().strip("|").split("|")] for line in text.splitlines() if line.startswith("|")
    ]


def slug(title: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


def anchors(text: str) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    for _, _, title in headings(text):
        base = slug(title)
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else f"{base}-{n}")
    return out


# --------------------------------------------------------------------------- commands


def leaf_parsers() -> dict[str, argparse.ArgumentParser]:
    """'run' -> its parser, …, 'templates check' -> its parser: every command a user types."""
    from pipeline.cli import build_parser

    def walk(parser: argparse.ArgumentParser, prefix: str) -> dict[str, argparse.ArgumentParser]:
        if parser._subparsers is None:
            return {prefix: parser}
        out: dict[str, argparse.ArgumentParser] = {}
        for action in parser._subparsers._group_actions:
            for name, sub in action.choices.items():
                out.update(walk(sub, f"{prefix} {name}".strip()))
        return out

    return walk(build_parser(), "")


def long_options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {s: a for a in parser._actions for s in a.option_strings if s.startswith("--") and s != "--help"}


def command_heading(name: str) -> re.Pattern:
    return re.compile(rf"^`?vendorflow {re.escape(name)}(?![\w-])")


def test_the_parser_has_the_commands_the_docs_are_built_around():
    commands = leaf_parsers()
    assert {"run", "review", "validate", "distribute", "templates check"} <= set(commands)
    assert "--period" in long_options(commands["run"])


@pytest.mark.parametrize("name", sorted(leaf_parsers()))
def test_every_command_has_a_section_with_every_option_and_its_default(name):
    parser = leaf_parsers()[name]
    text = section(read("commands.md"), command_heading(name))
    options = long_options(parser)
    for option, action in options.items():
        assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text), f"{name}: {option} is not documented"
        default = action.default
        if default in (None, False, argparse.SUPPRESS):
            continue
        shown = {f"`{default}`"}
        if isinstance(default, float) and default.is_integer():
            shown.add(f"`{int(default)}`")
        assert any(s in text for s in shown), f"{name} {option}: its default {default!r} is not in its section"
    for positional in (a for a in parser._actions if not a.option_strings):
        assert positional.dest.upper() in text or positional.dest in text, f"{name}: argument {positional.dest}"
    # and no option the command does not have (one renamed or removed since)
    own = re.sub(rf"`vendorflow (?!{re.escape(name)}\b)[^`]*`", "", text)  # another command's example
    stale = set(OPTION.findall(own)) - set(options) - {"--help"}
    assert not stale, f"{name}: documented options it does not take: {sorted(stale)}"


def test_every_subcommand_is_a_heading_of_the_commands_page():
    from pipeline.cli import build_parser

    titles = [t for _, _, t in headings(read("commands.md"))]
    for name in build_parser()._subparsers._group_actions[0].choices:
        assert any(command_heading(name).search(t) for t in titles), f"no heading for vendorflow {name}"


def test_the_exit_codes_are_the_ones_the_code_returns():
    from pipeline.errors import EXIT_CANNOT_RUN, EXIT_OK, EXIT_REJECTED

    rows = {r[0]: r[1] for r in table_rows(section(read("commands.md"), re.compile("^Exit codes$"))) if len(r) > 1}
    assert rows[str(EXIT_OK)].startswith("success")
    assert "rejected" in rows[str(EXIT_REJECTED)]
    assert rows[str(EXIT_CANNOT_RUN)].startswith("could not run")


# --------------------------------------------------------------------------- inputs


def input_schemas() -> dict[str, dict]:
    return {
        p.name.removesuffix(".schema.json"): json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(SCHEMAS.glob("*.schema.json"))
        if p.name != "policy.schema.json"
    }


@pytest.mark.parametrize("kind", sorted(input_schemas()))
def test_every_field_of_every_input_kind_is_in_its_table_and_marked_required_as_the_schema_says(kind):
    schema = input_schemas()[kind]
    text = section(read("inputs.md"), re.compile(rf"\(`{kind}`\)$"))
    rows = {r[0]: r for r in table_rows(text) if r[0].startswith("`")}
    required = set(schema.get("required", []))
    for fld in schema["properties"]:
        assert f"`{fld}`" in rows, f"{kind}.{fld} has no row in docs/inputs.md"
        assert (rows[f"`{fld}`"][2] == "**yes**") == (fld in required), f"{kind}.{fld}: required column is wrong"
    stale = set(rows) - {f"`{f}`" for f in schema["properties"]}
    assert not stale, f"{kind}: rows for fields the schema does not have: {sorted(stale)}"
    for value in (v for p in schema["properties"].values() for v in p.get("enum", [])):
        assert f"`{value}`" in text, f"{kind}: allowed value {value} is not listed"


def test_every_file_name_prefix_template_sheet_and_input_limit_is_documented():
    from pipeline import settings
    from pipeline.documents.input_workbooks import LAYOUT
    from pipeline.intake.folder import PREFIXES

    text = read("inputs.md")
    for prefix in PREFIXES:
        assert f"`{prefix}`" in text, f"file-name prefix {prefix} is not documented"
    for kind, sheets in LAYOUT.items():
        assert f"| `{kind}` |" in text, f"template {kind} is not in the sheets table"
        for _, sheet in sheets:
            assert sheet in text, f"sheet {sheet} of the {kind} template is not documented"
    limits = [v for k, v in vars(settings).items() if k.startswith("ENV_MAX_")]
    assert len(limits) >= 4
    for variable in limits:
        assert f"`{variable}`" in text, f"{variable} is not in the hostile-file limits"


# --------------------------------------------------------------------------- policy


def policy_schema() -> dict:
    return json.loads((SCHEMAS / "policy.schema.json").read_text(encoding="utf-8"))


def keys_of(prop: dict, schema: dict) -> list[str]:
    """The keys a policy section takes: its own, or those of its list's items."""
    if "$ref" in prop:
        prop = schema["$defs"][prop["$ref"].rsplit("/", 1)[-1]]
    if prop.get("type") == "array":
        prop = prop.get("items", {})
    return list(prop.get("properties", {}))


@pytest.mark.parametrize("key", list(policy_schema()["properties"]))
def test_every_policy_section_has_a_heading_naming_each_of_its_keys(key):
    schema = policy_schema()
    text = section(read("policy.md"), re.compile(rf"^`{key}`$"))
    for sub in keys_of(schema["properties"][key], schema):
        assert re.search(rf"`[^`\n]*\b{sub}\b[^`\n]*`", text), f"policy {key}.{sub} is not documented"


def shown(value) -> str:
    """A default as policy.md writes it."""
    if value is None:
        return "`null`"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, tuple):
        return "`[" + ", ".join(str(v) for v in value) + "]`"
    return f"`{value}`"


def default_rows(key: str) -> dict[str, str]:
    rows = table_rows(section(read("policy.md"), re.compile(rf"^`{key}`$")))
    return {r[0]: r[1] for r in rows if len(r) > 1}


def test_the_policy_defaults_are_the_ones_the_code_applies():
    from pipeline.config.policy import Policy, RiskRule, TrendRule, WorkforceRule
    from pipeline.orchestration.schedule import DEFAULT_CRON, DEFAULT_TIMEZONE

    fields = Policy.__dataclass_fields__
    expected = {
        "scoring": {k: fields[k].default for k in ("weight_tolerance", "min_applicable_weight", "explain_top")},
        "settlement": {k: fields[k].default for k in ("fee_includes_tax", "default_payment_days")},
        "trend": vars(TrendRule()),
        "risk": vars(RiskRule()),
    }
    w = WorkforceRule()
    expected["workforce"] = {
        "settle_on_attendance": w.settle_on_attendance,
        "working_days.default": w.default_working_days,
        "overtime.hours_per_day": w.hours_per_day,
        "overtime.rate": w.overtime_rate,
        **{k: getattr(w, k) for k in ("direct_headcount", "dispatch_limit_pct", "temporary_post_max_months")},
        **{k: getattr(w, k) for k in ("min_age", "adult_age", "max_overtime_hours")},
    }
    for key, defaults in expected.items():
        rows = default_rows(key)
        for name, value in defaults.items():
            if isinstance(value, Decimal):
                value = value.normalize() if value == value.to_integral_value() else value
                value = format(value, "f")
            assert shown(value) in rows.get(f"`{name}`", ""), f"policy {key}.{name}: default should be {shown(value)}"
    schedule = default_rows("schedule")
    assert DEFAULT_CRON in schedule["`cron`"] and DEFAULT_TIMEZONE in schedule["`timezone`"]


# --------------------------------------------------------------------------- deployment


def test_every_environment_variable_the_code_reads_is_documented():
    names = set()
    for path in (ROOT / "pipeline").rglob("*.py"):
        names |= set(re.findall(r"\bVENDORFLOW_[A-Z][A-Z_]*[A-Z]\b", path.read_text(encoding="utf-8")))
    names |= set(re.findall(r"\$VENDORFLOW_[A-Z_]*[A-Z]", (ROOT / "prefect.yaml").read_text(encoding="utf-8")))
    names = {n.lstrip("$") for n in names}
    assert {"VENDORFLOW_HISTORY_URL", "VENDORFLOW_SMTP_HOST", "VENDORFLOW_MAX_ROWS"} <= names
    text = read("deployment.md")
    missing = sorted(n for n in names if f"`{n}`" not in text)
    assert not missing, f"environment variables not in docs/deployment.md: {missing}"


def test_the_serve_port_and_the_postgresql_caveat_match_the_code_and_the_tests():
    from pipeline.orchestration.serve import DEFAULT_PORT

    text = " ".join(read("deployment.md").split())
    assert f"**{DEFAULT_PORT}**" in text
    tests = [p for p in (ROOT / "tests").glob("*.py") if p.name != Path(__file__).name]
    if not any("postgres" in p.read_text(encoding="utf-8").lower() for p in tests):
        assert "not tested in CI" in text, "no test starts PostgreSQL: the docs must say so"


# --------------------------------------------------------------------------- links stay in the repository

LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
HTML = re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)["']""", re.I)


def markdown_files() -> list[Path]:
    return [*sorted(DOCS.glob("*.md")), ROOT / "README.md"]


def link_targets(text: str) -> list[str]:
    prose = without_code(text)
    return LINK.findall(prose) + REFERENCE.findall(prose) + HTML.findall(prose)


def test_the_reference_pages_exist_and_the_index_links_every_one():
    assert {p.name for p in DOCS.glob("*.md")} >= set(PAGES)
    linked = {t.split("#")[0] for t in link_targets(read("index.md"))}
    for page in sorted(p.name for p in DOCS.glob("*.md") if p.name != "index.md"):
        assert page in linked, f"docs/index.md does not link {page}"


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_points_outside_the_repository_and_every_relative_link_resolves(path):
    text = path.read_text(encoding="utf-8")
    assert "../shared" not in text, f"{path.name} points at ../shared, outside the repository"
    assert str(ROOT) not in text, f"{path.name} names this checkout's absolute path"
    for target in link_targets(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) and not target.lower().startswith("file:"):
            continue  # https:, mailto: …
        assert not target.lower().startswith("file:"), f"{path.name}: file link {target}"
        where, _, anchor = target.partition("#")
        if not where:
            assert anchor in anchors(text), f"{path.name}: no heading for #{anchor}"
            continue
        assert not where.startswith(("/", "\\")) and not re.match(r"^[A-Za-z]:", where), (
            f"{path.name}: absolute link {target}"
        )
        resolved = (path.parent / where.split("?")[0]).resolve()
        assert resolved == ROOT or ROOT in resolved.parents, f"{path.name}: {target} leaves the repository"
        assert resolved.exists(), f"{path.name}: {target} does not exist"
        if anchor and resolved.suffix == ".md":
            assert anchor in anchors(resolved.read_text(encoding="utf-8")), f"{path.name}: {target}: no such heading"
