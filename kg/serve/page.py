"""The query page of ``kg serve``: one HTML file with no external resource, every value inserted as text."""

from __future__ import annotations

from ..html import script_json
from ..sparql.library import load_library

__all__ = ["page"]


def page() -> bytes:
    """Return the query page, with the library's queries that need no parameter as examples."""
    examples = {name: info.text for name, info in load_library().items() if not info.params
                or not any(p.required for p in info.params)}
    # The page has always written its examples as ASCII with JSON's default spacing.
    data = script_json(examples, ensure_ascii=True, compact=False)
    return _PAGE.replace("__EXAMPLES__", data).encode("utf-8")


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SPARQL: clinical-evidence knowledge graph</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5em;max-width:1200px}
textarea{width:100%;height:16em;font:13px ui-monospace,monospace}
table{border-collapse:collapse;margin-top:1em}td,th{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}
th{background:#f3f3f3}#status{margin-left:1em;color:#555}pre{white-space:pre-wrap}
</style></head><body>
<h1>SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1 endpoint at <code>/sparql</code> (GET or POST). Pick a query of the library or write one.</p>
<p><label>Library: <select id="examples"><option value="">(choose)</option></select></label></p>
<textarea id="query">PREFIX cekg: <https://w3id.org/cekg/vocab#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?category (COUNT(?claim) AS ?claims) WHERE { ?claim a cekg:Claim ; cekg:category ?c . ?c rdfs:label ?category }
GROUP BY ?category ORDER BY DESC(?claims)</textarea>
<p><button id="run">Run</button><span id="status"></span></p>
<div id="out"></div>
<script id="library" type="application/json">__EXAMPLES__</script>
<script>
const examples = JSON.parse(document.getElementById('library').textContent);
const select = document.getElementById('examples');
for (const name of Object.keys(examples)) {
  const option = document.createElement('option'); option.value = name; option.textContent = name;
  select.appendChild(option);
}
select.addEventListener('change', () => {
  if (select.value) document.getElementById('query').value = examples[select.value];
});
function cell(binding) { return binding ? binding.value : ''; }
document.getElementById('run').addEventListener('click', async () => {
  const out = document.getElementById('out'), status = document.getElementById('status');
  out.replaceChildren(); status.textContent = 'running...';
  const started = performance.now();
  const response = await fetch('sparql', {method: 'POST',
    headers: {'Content-Type': 'application/x-www-form-urlencoded',
              'Accept': 'application/sparql-results+json, text/turtle;q=0.9'},
    body: new URLSearchParams({query: document.getElementById('query').value})});
  const type = response.headers.get('Content-Type') || '';
  const elapsed = Math.round(performance.now() - started);
  if (!response.ok || !type.includes('json')) {
    const pre = document.createElement('pre'); pre.textContent = await response.text(); out.appendChild(pre);
    status.textContent = response.ok ? `${elapsed} ms` : `error ${response.status}`; return;
  }
  const data = await response.json();
  if ('boolean' in data) { out.textContent = String(data.boolean); status.textContent = `${elapsed} ms`; return; }
  const table = document.createElement('table'), head = table.insertRow();
  for (const v of data.head.vars) { const th = document.createElement('th'); th.textContent = v; head.appendChild(th); }
  for (const b of data.results.bindings) {
    const row = table.insertRow();
    for (const v of data.head.vars) row.insertCell().textContent = cell(b[v]);
  }
  out.appendChild(table);
  status.textContent = `${data.results.bindings.length} rows, ${elapsed} ms`;
});
</script></body></html>
"""
