//! Nothing here: see `tests/` (the exported contracts on revm) and `package.json`.
