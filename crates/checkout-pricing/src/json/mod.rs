//! The JSON of the pricing function: its input read (and the line and the
//! coupon the live cart takes) in [`read`], its output written in [`write`]
//! (`docs/pricing.md`, sections 1 and 3).
//!
//! Both are hand-written so that the browser module links neither
//! `serde_json` nor `serde_path_to_error` nor float formatting: they were
//! a third of its size.

mod read;
mod write;

pub use read::{coupon, input, line};
pub use write::{pricing, string, summary};
