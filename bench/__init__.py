"""Benchmarks of the knowledge graph at scale, and the synthetic corpus they run on.

``python -m bench.synth`` writes a synthetic data folder; ``python -m bench.run`` (``make bench``) measures build,
incremental rebuild, validation, queries, export and pages on it and writes ``bench/results.json`` and
``docs/benchmarks.md``.
"""
