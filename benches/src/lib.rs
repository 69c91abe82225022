//! zkvote benchmarks support
