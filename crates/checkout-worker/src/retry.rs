//! The one way the worker writes over a version: read, compute the change,
//! write it only over the version read, and start again from a fresh read
//! when another request wrote first. Nothing is ever lost or half-written; a
//! change that keeps losing is a `409`.

use crate::error::{ApiError, ApiResult, Contended};

/// How often a change is computed and tried again when other changes keep
/// coming first.
pub const ATTEMPTS: usize = 16;

/// What one attempt came to.
pub enum Attempt<T> {
    /// Written (or answered without writing): the result.
    Done(T),
    /// Another change came first: read again and retry.
    Lost,
}

/// Runs `attempt` until it is [`Attempt::Done`], at most [`ATTEMPTS`] times;
/// after that, [`ApiError::KeptChanging`] for `what`.
pub async fn over_version<T>(
    what: Contended,
    mut attempt: impl AsyncFnMut() -> ApiResult<Attempt<T>>,
) -> ApiResult<T> {
    for _ in 0..ATTEMPTS {
        if let Attempt::Done(out) = attempt().await? {
            return Ok(out);
        }
    }
    Err(ApiError::KeptChanging(what))
}
