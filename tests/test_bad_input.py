"""Bad input to `kg build`: every mistake is reported at its place with its fix, and no store is harmed.

Each test breaks a private copy of the bundled data folder in one precise way, runs the command line in-process
and checks the exit code, the problem printed (file:line, claim id, what is wrong, how to fix it) and that the
store, if any, is exactly what it was before.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from kg.cli import main
from kg.store import canonical_nquads, open_store
from kg.vocab import PREFIXES

LABEL = "fda-label-ketamine-injection"
ARTICLE = "ketamine-migraine-article"
APPEAL = "ny-dfs-appeal-202308-166215"
CLAIM_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/cekg/vocab#Claim> }"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line; return its exit code, standard output and standard error."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _build(capsys: pytest.CaptureFixture[str], data: Path, store: Path) -> tuple[int, str, str]:
    return _run(capsys, "build", "--data", str(data), "--store", str(store))


def _problems(err: str) -> list[str]:
    """Split what `kg` printed on stderr into its problems, one string each."""
    lines = err.splitlines()
    assert lines, "nothing was printed on stderr"
    first = lines[0]
    assert first.startswith("Error: "), err
    if first.endswith(" problems:"):
        problems = [line.strip() for line in lines[1:]]
        assert len(problems) == int(first.split()[1]), err
        return problems
    assert len(lines) == 1, err
    return [first.removeprefix("Error: ")]


def _claims(data: Path, document: str) -> Path:
    return data / "claims" / f"{document}.yaml"


def _line(path: Path, text: str) -> int:
    """Return the 1-based line of the one line of ``path`` that contains ``text``."""
    found = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line]
    assert len(found) == 1, f"{text!r} is on lines {found} of {path}"
    return found[0]


def _edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in ``path`` by ``new``."""
    content = path.read_text(encoding="utf-8")
    assert content.count(old) == 1, f"{old!r} occurs {content.count(old)} times in {path}"
    path.write_text(content.replace(old, new), encoding="utf-8")


def _snapshot(store_dir: Path) -> tuple[int, bytes]:
    """Return the number of claims the store answers with, and its canonical N-Quads."""
    with open_store(store_dir) as store:
        solutions = store.query(CLAIM_COUNT)
        assert isinstance(solutions, ox.QuerySolutions)
        [row] = list(solutions)
        return int(row["n"].value), canonical_nquads(store)


def _assert_nothing_written(tmp_path: Path) -> None:
    """A refused build leaves no store and no half-written staging folder beside the data."""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


@pytest.fixture()
def old_store(tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, int, bytes]:
    """A store built from the intact copy, with its claim count and canonical N-Quads."""
    store_dir = tmp_path / "store"
    code, _out, err = _build(capsys, data_copy, store_dir)
    assert code == 0, err
    count, nquads = _snapshot(store_dir)
    assert count == 69
    return store_dir, count, nquads


# Claims files ---------------------------------------------------------------------------------------------------


def _build_problems(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path) -> list[str]:
    """Build *data* into a store under *tmp_path*: it fails as invalid (exit 1); return the problems reported."""
    code, _out, err = _build(capsys, data, tmp_path / "store")

    assert code == 1
    return _problems(err)


def _the_only_problem(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path) -> str:
    """Build *data*: it fails as invalid (exit 1) with exactly one problem, which is returned."""
    [problem] = _build_problems(capsys, data, tmp_path)
    return problem


def test_claims_file_with_bad_indentation_names_file_and_line(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _claims(data_copy, LABEL)
    line = _line(path, "- id: label-regulatory-schedule-iii") + 2
    _edit(path, "  subject: CHEBI:6121\n  predicate: cekg:hasRegulatoryStatus",
          "   subject: CHEBI:6121\n  predicate: cekg:hasRegulatoryStatus")

    code, out, err = _build(capsys, data_copy, tmp_path / "store")

    assert code == 1
    assert out == ""
    [problem] = _problems(err)
    assert problem.startswith(f"data/claims/{LABEL}.yaml:{line}: not valid YAML: ")
    assert problem.endswith("; check the indentation and quoting there")
    _assert_nothing_written(tmp_path)


def test_claims_file_with_unclosed_quote_names_the_line_it_opens_on(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _claims(data_copy, APPEAL)
    quote = '"Overall, high quality data is lacking to support ketamine infusions for migraine."'
    line = _line(path, quote)
    _edit(path, quote, quote[:-1])

    problem = _the_only_problem(capsys, data_copy, tmp_path)
    assert problem.startswith(f"data/claims/{APPEAL}.yaml:{line}: not valid YAML: ")
    _assert_nothing_written(tmp_path)


def test_claim_missing_a_required_field_names_file_line_claim_and_field(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _claims(data_copy, LABEL)
    line = _line(path, "- id: label-role-general-anesthetic")
    _edit(path, "  polarity: affirmed\n  modality: asserted\n  citation: none\n"
                '  quote: "Ketamine hydrochloride injection is a general anesthetic"',
          "  polarity: affirmed\n  citation: none\n"
          '  quote: "Ketamine hydrochloride injection is a general anesthetic"')

    assert _build_problems(capsys, data_copy, tmp_path) == [
        f"data/claims/{LABEL}.yaml:{line} claim label-role-general-anesthetic: required field 'modality' is missing"
    ]
    _assert_nothing_written(tmp_path)


@pytest.mark.parametrize(("field", "good", "bad", "allowed"), [
    ("category", "indication", "indications",
     "prevalence, presentation, mechanism, efficacy, adverse-effect, regulatory-status, access-and-cost, "
     "indication, history, research-status"),
    ("modality", "asserted", "certain", "asserted, hedged, speculative"),
    ("polarity", "affirmed", "maybe", "affirmed, negated"),
], ids=["category", "modality", "polarity"])
def test_unknown_closed_value_lists_the_allowed_values(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str], field: str, good: str, bad: str,
    allowed: str,
) -> None:
    path = _claims(data_copy, LABEL)
    start = _line(path, "- id: label-role-general-anesthetic")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(n for n in range(start, start + 12) if lines[n - 1] == f"  {field}: {good}\n")
    lines[line - 1] = f"  {field}: {bad}\n"
    path.write_text("".join(lines), encoding="utf-8")

    assert _build_problems(capsys, data_copy, tmp_path) == [
        f"data/claims/{LABEL}.yaml:{line} claim label-role-general-anesthetic: unknown {field} {bad!r}; "
        f"allowed: {allowed}"
    ]
    _assert_nothing_written(tmp_path)


@pytest.mark.parametrize(("first_file", "first_id", "second_file", "second_id"), [
    (LABEL, "label-role-general-anesthetic", LABEL, "label-regulatory-schedule-iii"),
    (LABEL, "label-regulatory-schedule-iii", APPEAL, "appeal-access-insurer-denied"),
], ids=["within-one-file", "across-two-files"])
def test_duplicate_claim_id_names_both_places(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str], first_file: str, first_id: str,
    second_file: str, second_id: str
) -> None:
    first_path, second_path = _claims(data_copy, first_file), _claims(data_copy, second_file)
    first = _line(first_path, f"- id: {first_id}")
    second = _line(second_path, f"- id: {second_id}")
    _edit(second_path, f"- id: {second_id}", f"- id: {first_id}")

    assert _build_problems(capsys, data_copy, tmp_path) == [
        f"data/claims/{second_file}.yaml:{second} claim {first_id}: duplicate claim id "
        f"'{first_id}', first defined at data/claims/{first_file}.yaml:{first}: "
        "give each claim its own id"
    ]
    _assert_nothing_written(tmp_path)


def _misquote_article(data: Path) -> int:
    """Straighten the curly apostrophe of one article quote, a typical copy-paste slip; return its line."""
    path = _claims(data, ARTICLE)
    quote = "Additionally, the treatment was shown to improve the participants\u2019 overall quality of life."
    line = _line(path, quote)
    _edit(path, quote, quote.replace("\u2019", "'"))
    return line


def test_quote_not_in_document_is_reported_at_its_claim(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _misquote_article(data_copy)

    problem = _the_only_problem(capsys, data_copy, tmp_path)
    assert problem.startswith(f"data/claims/{ARTICLE}.yaml:{line} claim article-efficacy-quality-of-life: "
                              f"the quote is not found in {ARTICLE}; closest passage: ")
    assert problem.endswith("; copy the words exactly from the document (typos, curly quotes and all)")
    _assert_nothing_written(tmp_path)


def test_quote_not_in_document_shows_the_real_closest_passage(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _misquote_article(data_copy)

    problem = _the_only_problem(capsys, data_copy, tmp_path)
    passage = "Additionally, the treatment was shown to improve the participants\u2019 overall quality of life."
    assert f"closest passage: {passage!r};" in problem


def test_quote_at_other_offsets_gives_the_correct_offsets(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _claims(data_copy, LABEL)
    _edit(path, "  start: 517\n  end: 573\n", "  start: 520\n  end: 576\n")
    line = _line(path, "  start: 520")

    assert _build_problems(capsys, data_copy, tmp_path) == [
        f"data/claims/{LABEL}.yaml:{line} claim label-role-general-anesthetic: the quote is not at 520-576 in "
        f"{LABEL} but at start: 517, end: 573: correct the offsets"
    ]
    _assert_nothing_written(tmp_path)


def _change_article_text(data: Path) -> str:
    """Edit one character of the article's text after curation; return the new text's SHA-256."""
    text = data / "documents" / ARTICLE / "text.txt"
    content = text.read_bytes()
    assert content.count(b"over 39 million") == 1
    changed = content.replace(b"over 39 million", b"over 40 million")
    text.write_bytes(changed)
    return hashlib.sha256(changed).hexdigest()


def test_changed_document_orphans_its_claims_and_keeps_the_old_store(
    data_copy: Path, old_store: tuple[Path, int, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    store_dir, count, nquads = old_store
    new_sha = _change_article_text(data_copy)
    line = _line(_claims(data_copy, ARTICLE), "document_sha256:")

    code, _out, err = _build(capsys, data_copy, store_dir)

    assert code == 1
    orphaned = (
        f"data/claims/{ARTICLE}.yaml:{line}: document '{ARTICLE}' changed after its claims were curated "
        f"(text SHA-256 {new_sha}, claims curated against "
        "f46061e3a725747dc2bf4bac0c0be10e7ca6002bd79bf7a88e7e27eb57c70653): its 34 claims are orphaned. "
        "Restore the original text, or re-add the new text as a new document and re-anchor the claims to it"
    )
    assert orphaned in _problems(err)
    assert _snapshot(store_dir) == (count, nquads)
    assert sorted(p.name for p in store_dir.parent.iterdir()) == ["data", "store"]


def test_changed_document_is_the_only_problem_reported(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _change_article_text(data_copy)

    problem = _the_only_problem(capsys, data_copy, tmp_path)
    assert "its 34 claims are orphaned" in problem


def test_entity_curie_with_unknown_prefix_names_it_and_lists_known_ones(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _claims(data_copy, LABEL)
    _edit(path, "- id: label-role-general-anesthetic\n  category: indication\n  subject: CHEBI:6121",
          "- id: label-role-general-anesthetic\n  category: indication\n  subject: FOO:123")
    line = _line(path, "subject: FOO:123")

    problem = _the_only_problem(capsys, data_copy, tmp_path)
    assert problem.startswith(f"data/claims/{LABEL}.yaml:{line} claim label-role-general-anesthetic: "
                              "subject: unknown prefix 'FOO' in 'FOO:123': use one of ")
    known = ", ".join(sorted(PREFIXES, key=str.lower))
    assert f"use one of {known}, or write the full IRI in angle brackets" in problem
    for prefix in ("CHEBI", "MONDO", "ent", "wikidata"):
        assert f" {prefix}," in problem
    _assert_nothing_written(tmp_path)


def test_malformed_entity_iri_is_reported_as_malformed(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _claims(data_copy, LABEL)
    _edit(path, "  object: ent:general-anesthetic\n", '  object: "<http://exa mple.org/x>"\n')
    line = _line(path, "exa mple")

    problem = _the_only_problem(capsys, data_copy, tmp_path)
    assert problem.startswith(f"data/claims/{LABEL}.yaml:{line} claim label-role-general-anesthetic: "
                              "object: malformed IRI '<http://exa mple.org/x>'")
    assert problem.endswith("remove spaces and characters like <>\"{}|^`")
    _assert_nothing_written(tmp_path)


@pytest.mark.parametrize(("document", "claim", "relation", "target"), [
    (LABEL, "label-role-general-anesthetic", "supports", "article-history-dissociative-anesthetic"),
    (APPEAL, "appeal-efficacy-emergency-headache", "challenges", "article-efficacy-promising-potential"),
], ids=["supports", "challenges"])
def test_relation_to_a_claim_that_does_not_exist_names_it(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str], document: str, claim: str,
    relation: str, target: str,
) -> None:
    path = _claims(data_copy, document)
    line = _line(path, f"- id: {claim}")
    _edit(path, f"  {relation}: [{target}]\n", f"  {relation}: [article-no-such-claim]\n")

    assert _build_problems(capsys, data_copy, tmp_path) == [
        f"data/claims/{document}.yaml:{line} claim {claim}: {relation} names claim 'article-no-such-claim', "
        "which no claims file defines: check the id"
    ]
    _assert_nothing_written(tmp_path)


def _anchor_of(path: Path, quote: str, start: int, end: int, new: str) -> None:
    """Replace the quote and offsets ``quote``, ``start``, ``end`` of a claim in ``path`` by the YAML ``new``."""
    _edit(path, f'  quote: "{quote}"\n  start: {start}\n  end: {end}\n', new)


def test_negative_offsets_are_refused_by_build_as_by_validate(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Python reads text[-20:-5] from the end: the quote below sits there, and must still be refused.
    text = (data_copy / "documents" / LABEL / "text.txt").read_text(encoding="utf-8")
    quote = text[-20:-5]
    at = text.find(quote)
    path = _claims(data_copy, LABEL)
    _anchor_of(path, "Ketamine hydrochloride injection is a general anesthetic", 517, 573,
               f"  quote: {json.dumps(quote)}\n  start: -20\n  end: -5\n")
    start, end = _line(path, "  start: -20"), _line(path, "  end: -5")
    where = f"the quote is at start: {at}, end: {at + 15}"
    expected = [
        f"data/claims/{LABEL}.yaml:{start} claim label-role-general-anesthetic: start is -20, but offsets count "
        f"characters from the start of the text, from 0: {where}",
        f"data/claims/{LABEL}.yaml:{end} claim label-role-general-anesthetic: end is -5, but offsets count "
        f"characters from the start of the text, from 0: {where}",
    ]

    assert _build_problems(capsys, data_copy, tmp_path) == expected
    _assert_nothing_written(tmp_path)
    code, _out, err = _run(capsys, "validate", "--data", str(data_copy))
    assert code == 1
    assert _problems(err) == expected


def test_a_boolean_offset_is_not_taken_for_1(tmp_path: Path, data_copy: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    # YAML's true is Python's True, which slices as 1: the quote below sits at text[1:40].
    text = (data_copy / "documents" / LABEL / "text.txt").read_text(encoding="utf-8")
    quote = text[1:40]
    assert text.find(quote) == 1
    path = _claims(data_copy, LABEL)
    _anchor_of(path, "Ketamine hydrochloride injection is a general anesthetic", 517, 573,
               f"  quote: {json.dumps(quote)}\n  start: true\n  end: 40\n")
    line = _line(path, "  start: true")

    assert _the_only_problem(capsys, data_copy, tmp_path) == (
        f"data/claims/{LABEL}.yaml:{line} claim label-role-general-anesthetic: start must be a whole number of "
        "characters from the start of the text, not true: the quote is at start: 1, end: 40"
    )
    _assert_nothing_written(tmp_path)


def test_yaml_alias_bomb_is_refused_in_one_line(tmp_path: Path, data_copy: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    # Nine levels of nine aliases stand for 9**9 (387 million) strings once walked; the count passes a million
    # values at the sixth level, through the aliases of the fifth.
    levels = ['  note: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"  x{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, 10)]
    path = _claims(data_copy, APPEAL)
    _edit(path, "claims:\n", "claims:\n- id: appeal-bomb\n" + "\n".join(levels) + "\n")
    line = _line(path, "&l5 ")

    assert _the_only_problem(capsys, data_copy, tmp_path) == (
        f"data/claims/{APPEAL}.yaml:{line}: the aliases (*name) of the value anchored here (&name) stand for over "
        "1,000,000 values, which no data file needs: write the values out instead of repeating them through aliases"
    )
    _assert_nothing_written(tmp_path)


def test_yaml_aliases_as_pyyaml_writes_them_are_read(
    data_copy: Path, old_store: tuple[Path, int, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    # PyYAML writes a list held twice once, with an anchor, then an alias: a file written so builds the same store.
    store_dir, count, nquads = old_store
    path = _claims(data_copy, APPEAL)
    both = "  challenges: [article-efficacy-frequency, article-efficacy-severity]\n"
    content = path.read_text(encoding="utf-8")
    assert content.count(both) == 2
    first, rest = content.split(both, 1)
    path.write_text(first + both.replace("[", "&both [") + rest.replace(both, "  challenges: *both\n"),
                    encoding="utf-8")

    code, _out, err = _build(capsys, data_copy, store_dir)

    assert code == 0, err
    assert _snapshot(store_dir) == (count, nquads)


def test_syntax_error_in_a_file_others_link_to_is_the_only_problem(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The label and the appeal decision link to claims of the article: with the article unreadable, those links
    # are not problems of their own, and must not bury the one that is.
    path = _claims(data_copy, ARTICLE)
    line = _line(path, "- id: article-history-dissociative-anesthetic") + 1
    _edit(path, "- id: article-history-dissociative-anesthetic\n  category:",
          "- id: article-history-dissociative-anesthetic\n   category:")

    problem = _the_only_problem(capsys, data_copy, tmp_path)
    assert problem.startswith(f"data/claims/{ARTICLE}.yaml:{line}: not valid YAML: "), problem
    _assert_nothing_written(tmp_path)


def test_claims_file_named_after_another_document_hides_no_real_problem(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _claims(data_copy, ARTICLE)
    _edit(path, f"document: {ARTICLE}\n", "document: ketamine-migraine\n")
    line = _line(path, "document: ketamine-migraine")

    assert _the_only_problem(capsys, data_copy, tmp_path) == (
        f"data/claims/{ARTICLE}.yaml:{line}: 'document' is 'ketamine-migraine' but the file is named {ARTICLE}.yaml: "
        "name the file after the document id"
    )


# Store safety ---------------------------------------------------------------------------------------------------


def test_failed_build_leaves_previous_store_exactly_as_it_was(
    data_copy: Path, old_store: tuple[Path, int, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    store_dir, count, nquads = old_store
    _edit(_claims(data_copy, LABEL), "  start: 517\n  end: 573\n", "  start: 518\n  end: 574\n")

    code, _out, err = _build(capsys, data_copy, store_dir)

    assert code == 1
    assert "the quote is not at 518-574" in err
    assert _snapshot(store_dir) == (count, nquads)
    assert sorted(p.name for p in store_dir.parent.iterdir()) == ["data", "store"]


def test_build_failing_while_writing_leaves_previous_store_and_no_staging_folder(
    data_copy: Path, old_store: tuple[Path, int, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    # Two claims saying the same thing at the same place pass loading and fail only once the store is being
    # written, when the claims' IRIs are minted.
    store_dir, count, nquads = old_store
    path = _claims(data_copy, LABEL)
    first = _line(path, "- id: label-regulatory-schedule-iii")
    block = path.read_text(encoding="utf-8").split("- id: label-regulatory-schedule-iii\n", 1)[1]
    block = block.split("- id: ", 1)[0]
    with path.open("a", encoding="utf-8") as handle:
        handle.write("- id: label-regulatory-schedule-iii-again\n" + block)
    again = _line(path, "- id: label-regulatory-schedule-iii-again")

    code, _out, err = _build(capsys, data_copy, store_dir)

    assert code == 1
    assert _problems(err) == [
        f"data/claims/{LABEL}.yaml:{again} claim label-regulatory-schedule-iii-again: says the same as claim "
        f"'label-regulatory-schedule-iii' (data/claims/{LABEL}.yaml:{first}) at the same place: remove one of them"
    ]
    assert _snapshot(store_dir) == (count, nquads)
    assert sorted(p.name for p in store_dir.parent.iterdir()) == ["data", "store"]


def test_missing_data_folder_exits_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no-such-data"

    code, _out, err = _build(capsys, missing, tmp_path / "store")

    assert code == 2
    assert err == f"Error: no data folder at {missing}: pass --data DIR (or set KG_DATA), or create it with " \
                  "`kg add`\n"
    assert list(tmp_path.iterdir()) == []


def test_stats_without_a_store_says_to_run_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store_dir = tmp_path / "store"

    code, out, err = _run(capsys, "stats", "--store", str(store_dir))

    assert code == 2
    assert out == ""
    assert err == f"Error: no store at {store_dir}: run `kg build` first (or pass --store DIR / set KG_STORE)\n"
    assert list(tmp_path.iterdir()) == []


# Documents ------------------------------------------------------------------------------------------------------


_PAGE = """<html><head><title>Links</title></head><body><article><p>Read <a href="https://example.com/a b">the
study</a>, <a href='https://example.com/x"y'>the review</a>, <a href="/about">our page</a> and
<a href="https://ok.example/">the site</a>. The article goes on for long enough to be taken as one.</p></article>
</body></html>"""


def test_add_records_links_that_validate_accepts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.html"
    page.write_text(_PAGE, encoding="utf-8")
    data = tmp_path / "data"

    code, _out, err = _run(capsys, "add", str(page), "--kind", "web-article", "--data", str(data))

    assert code == 0, err
    warnings = [line for line in err.splitlines() if line.startswith("Warning: the link")]
    assert warnings == [
        'Warning: the link to "https://example.com/a b" holds characters an address may not hold: recorded as '
        "https://example.com/a%20b",
        'Warning: the link to "https://example.com/x"y" holds characters an address may not hold: recorded as '
        "https://example.com/x%22y",
        'Warning: the link to "/about" on "our page" is not an absolute address the graph can hold: kept among '
        "other_links, outside the graph",
    ]
    meta = yaml.safe_load((data / "documents" / "page" / "meta.yaml").read_text(encoding="utf-8"))
    assert [link["url"] for link in meta["links"]] == [
        "https://example.com/a%20b", "https://example.com/x%22y", "https://ok.example/"]
    assert [(link["url"], link["text"]) for link in meta["other_links"]] == [("/about", "our page")]
    code, _out, err = _build(capsys, data, tmp_path / "store")
    assert code == 0, err
    code, _out, err = _run(capsys, "validate", "--data", str(data))
    assert (code, err) == (0, "valid: 0 claims anchored, shapes conform, every term defined\n")
