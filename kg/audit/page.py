"""An audit as one self-contained HTML page: no script, no network, every text from a document escaped.

The page carries its style inline and a Content-Security-Policy that allows nothing else (no script, no image,
no connection), so it opens offline and no text of a document can run in it.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

from .. import __version__
from .gather import AuditedClaim, Evidence, Stance
from .render import _HEADINGS, _ids, _row
from .summary import summary

__all__ = ["as_html"]

_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }
.summary { background: #f5f5f0; padding: .8em 1em; border-radius: 6px; }
.claim { border: 1px solid #ddd; border-radius: 6px; padding: .6em 1em; margin: .8em 0; }
.claim h3 { font-size: 1em; margin: 0 0 .3em; }
.level { display: inline-block; padding: 0 .5em; border-radius: 4px; font-size: .85em; color: #fff; }
.level-high { background: #1b7837; } .level-moderate { background: #5aae61; }
.level-low { background: #e08214; } .level-very-low { background: #b2182b; }
blockquote { margin: .4em 0; padding-left: .8em; border-left: 3px solid #bbb; color: #444; }
mark { background: #fff3a8; }
.facets, .reasons { font-size: .9em; color: #444; margin: .2em 0; }
.reasons li { margin: 0; }
""".strip()


def _policy() -> str:
    digest = hashlib.sha256(_STYLE.encode("utf-8")).digest()
    return (f"default-src 'none'; style-src 'sha256-{base64.b64encode(digest).decode('ascii')}'; "
            "base-uri 'none'; form-action 'none'")


def _claim(claim: AuditedClaim, evidence: Evidence, ids: dict[str, str]) -> str:
    row = _row(claim, evidence, ids)
    before, quote, after = claim.sentence
    level = row["certainty"]
    cues = f" ({escape(', '.join(row['cues']))})" if row["cues"] else ""
    source = (f"according to {escape(row['attributed_to'])}" if row["attributed_to"] else "on its own account")
    links = ""
    if row["supported_by"]:
        links += f"; supported by {escape(', '.join(row['supported_by']))}"
    if row["challenged_by"]:
        links += f"; challenged by {escape(', '.join(row['challenged_by']))}"
    reasons = "".join(f"<li>{escape(r['words'])}</li>" for r in row["certainty_reasons"])
    return (f'<div class="claim" id="{escape(row["id"])}">\n'
            f'<h3><span class="level level-{escape(level)}">{escape(level.replace("-", " "))}</span> '
            f'{escape(row["claim"])}</h3>\n'
            f"<blockquote>{escape(before)}<mark>{escape(quote)}</mark>{escape(after)}</blockquote>\n"
            f'<p class="facets">{escape(row["document_title"])} ({escape(row["document_kind"] or "document")}), '
            f"{escape(row['category'])}; {escape(row['modality'])}{cues}, {source}; citation: "
            f"{escape(row['citation'])}{links} · <code>{escape(row['id'])}</code></p>\n"
            f'<ul class="reasons">{reasons}</ul>\n</div>')


def as_html(evidence: Evidence) -> str:
    """Return the audit as a page that needs nothing but itself."""
    ids = _ids(evidence)
    title = f"Evidence on {evidence.question.words(evidence.labels)}"
    sections = []
    for stance in Stance:
        claims = evidence.group(stance)
        if claims:
            body = "\n".join(_claim(c, evidence, ids) for c in claims)
            sections.append(f"<h2>{escape(_HEADINGS[stance])} ({len(claims)})</h2>\n{body}")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_policy()}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="kg audit {escape(__version__)}">
<title>{escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{escape(title)}</h1>
<p class="summary">{escape(summary(evidence))}</p>
{chr(10).join(sections)}
</body>
</html>
"""
