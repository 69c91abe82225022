//! Why a ballot was not accepted.

/// Why a ballot was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// No such election in the box.
    #[error("unknown election {0}")]
    UnknownElection(String),
    /// The ballot names another election than the one it was posted to.
    #[error("the ballot is for election {ballot}, posted to election {posted}")]
    WrongElection {
        /// The ballot's election id.
        ballot: String,
        /// The election it was posted to.
        posted: String,
    },
    /// Before the window opened.
    #[error("the election opens at {opens_at}; the box's clock says {now}")]
    NotOpen {
        /// Opening time.
        opens_at: u64,
        /// The box's clock.
        now: u64,
    },
    /// At or after the close.
    #[error("the election closed at {closes_at}; the box's clock says {now}")]
    Closed {
        /// Closing time.
        closes_at: u64,
        /// The box's clock.
        now: u64,
    },
    /// The body is not a ballot (not UTF-8, not JSON, missing or unknown fields, wrong types).
    #[error("malformed ballot: {0}")]
    Malformed(String),
    /// The ballot breaks the election's rules, its proof is not an encoding of points,
    /// or its proof does not verify.
    #[error("invalid ballot: {0}")]
    Invalid(String),
    /// Policy `first`: the nullifier is in the log already.
    #[error("this member has voted already (log entry {index}); under policy first only that ballot counts")]
    NullifierUsed {
        /// The entry that used the nullifier.
        index: u64,
    },
    /// The same ballot is in the log already.
    #[error("this ballot is in the log already, at entry {index}")]
    DuplicateBallot {
        /// Its entry.
        index: u64,
    },
    /// Policy `last`: the member's earlier ballot at `index` has the same votes.
    #[error(
        "entry {index} already holds this member's ballot with the same votes and weight; \
         under policy last a repeated choice keeps its first place (see the README), so \
         this ballot would change nothing"
    )]
    RepeatedChoice {
        /// The earlier entry.
        index: u64,
    },
    /// Too many ballots waiting.
    #[error("the box is busy: {0} ballots are waiting; try again")]
    Busy(usize),
    /// The database or the box failed; nothing was stored.
    #[error("the box could not store the ballot: {0}")]
    Unavailable(String),
}

pub(super) fn clone_err(e: &SubmitError) -> SubmitError {
    match e {
        SubmitError::NotOpen { opens_at, now } => SubmitError::NotOpen {
            opens_at: *opens_at,
            now: *now,
        },
        SubmitError::Closed { closes_at, now } => SubmitError::Closed {
            closes_at: *closes_at,
            now: *now,
        },
        other => SubmitError::Unavailable(other.to_string()),
    }
}
