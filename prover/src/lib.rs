//! zkvote
