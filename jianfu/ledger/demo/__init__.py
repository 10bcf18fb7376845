"""The demo district 江澄区: units, people, reference lists and a realistic ledger.

`seed_demo(...)` writes it into an empty database (`jianfu seed-demo`, `jianfu demo`);
`generate.build(...)` is the pure, deterministic description it writes.
"""
