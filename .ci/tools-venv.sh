#!/usr/bin/env bash
# The KGX validator (kgx) and the Biolink Model Toolkit (bmt) in a venv of their own, .venv-kgx: kgx pins numpy<2,
# which the project's venv cannot have. The tests run them through tests/kgx_offline.py, offline, on the Biolink
# model of the biolink-model wheel (docs/exporting.md), and read the JSON-LD export with PyLD, a JSON-LD 1.0 and
# 1.1 processor (tests/pyld_offline.py). Reinstalls only when the pinned versions change.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-kgx
wanted="kgx==2.6.0 bmt==1.5.0 biolink-model==4.4.6 PyLD==2.0.4"
if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.installed" 2>/dev/null)" = "$wanted" ]; then
  exit 0
fi
echo "installing $wanted into $venv (a few minutes, once)" >&2
rm -rf "$venv"
"${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
# shellcheck disable=SC2086
"$venv/bin/python" -m pip install --quiet $wanted
echo "$wanted" > "$venv/.installed"
