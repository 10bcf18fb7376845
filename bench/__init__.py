"""Benchmarks (spec/performance.md): `make bench [SIZE=1e4]`, results in bench/results.json."""
