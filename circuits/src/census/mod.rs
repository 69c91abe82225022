//! placeholder, filled in by the membership-layer work.
