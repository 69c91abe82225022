//! The HTTP API (axum): one router listing every route, thin handlers that parse, call
//! the [`BallotBox`] and map its typed errors to a status and an [`ApiError`] body.
//!
//! | method | path | answer |
//! |---|---|---|
//! | GET | `/` | the results page (HTML; it reads the API below) |
//! | GET | `/v1/elections` | [`ElectionSummary`] list |
//! | GET | `/v1/elections/{id}` | [`ElectionInfo`](crate::wire::ElectionInfo) |
//! | GET | `/v1/elections/{id}/files/{name}` | the file's bytes |
//! | POST | `/v1/elections/{id}/ballots` | 201 and a [`Receipt`](crate::wire::Receipt) |
//! | GET | `/v1/elections/{id}/receipts/{leaf_hash}` | a fresh receipt of a logged ballot |
//! | GET | `/v1/elections/{id}/checkpoint` | the latest signed checkpoint (text) |
//! | GET | `/v1/elections/{id}/checkpoints/{size}` | the checkpoint of that size (text) |
//! | GET | `/v1/elections/{id}/consistency?from=M&to=N` | [`ConsistencyOut`](crate::wire::ConsistencyOut) |
//! | GET | `/v1/elections/{id}/entries?start=S&limit=L` | [`EntriesPage`](crate::wire::EntriesPage) (L ≤ 1,000) |
//! | GET | `/v1/elections/{id}/results` | [`ResultsOut`](crate::wire::ResultsOut) |
//!
//! Errors are JSON `{"error": code, "message": …}`: 400 `malformed` (not a ballot, a bad
//! number or hash in the path or query), 422 `invalid_ballot` (well-formed but it breaks
//! the rules or its proof does not verify), 400 `wrong_election`, 403 `not_open` /
//! `closed`, 404 `not_found`, 409 `nullifier_used` / `duplicate_ballot` /
//! `repeated_choice`, 413 `too_large` (bodies over [`MAX_BODY`]), 503 `busy` /
//! `unavailable` (nothing was stored). The full description is `docs/box-api.yaml`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use crate::error::Error;
use crate::service::{BallotBox, SubmitError};
use crate::wire::{ApiError, ElectionSummary};

/// The largest request body accepted: a ballot is under 1 KiB.
pub const MAX_BODY: usize = 16 * 1024;

/// The router of a box.
pub fn router(ballot_box: Arc<BallotBox>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/v1/elections", get(list))
        .route("/v1/elections/{id}", get(info))
        .route("/v1/elections/{id}/files/{name}", get(file))
        .route("/v1/elections/{id}/ballots", post(submit))
        .route("/v1/elections/{id}/receipts/{leaf}", get(receipt))
        .route("/v1/elections/{id}/checkpoint", get(latest_checkpoint))
        .route("/v1/elections/{id}/checkpoints/{size}", get(checkpoint))
        .route("/v1/elections/{id}/consistency", get(consistency))
        .route("/v1/elections/{id}/entries", get(entries))
        .route("/v1/elections/{id}/results", get(results))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(ballot_box)
}

/// An error answer.
#[derive(Debug)]
pub struct ApiFailure(StatusCode, ApiError);

impl ApiFailure {
    fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiFailure(
            status,
            ApiError {
                error: code.into(),
                message: message.into(),
            },
        )
    }

    fn malformed(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "malformed", message)
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        (self.0, Json(self.1)).into_response()
    }
}

impl From<Error> for ApiFailure {
    fn from(e: Error) -> Self {
        let status = match &e {
            Error::UnknownElection(_) => {
                return Self::new(StatusCode::NOT_FOUND, "not_found", e.to_string())
            }
            Error::IndexOutOfRange { .. }
            | Error::SizeOrder { .. }
            | Error::LeavesMissing { .. }
            | Error::InvalidRange(_) => StatusCode::BAD_REQUEST,
            _ => {
                return Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    e.to_string(),
                )
            }
        };
        Self::new(status, "malformed", e.to_string())
    }
}

impl From<SubmitError> for ApiFailure {
    fn from(e: SubmitError) -> Self {
        let (status, code) = match &e {
            SubmitError::UnknownElection(_) => (StatusCode::NOT_FOUND, "not_found"),
            SubmitError::WrongElection { .. } => (StatusCode::BAD_REQUEST, "wrong_election"),
            SubmitError::NotOpen { .. } => (StatusCode::FORBIDDEN, "not_open"),
            SubmitError::Closed { .. } => (StatusCode::FORBIDDEN, "closed"),
            SubmitError::Malformed(_) => (StatusCode::BAD_REQUEST, "malformed"),
            SubmitError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_ballot"),
            SubmitError::NullifierUsed { .. } => (StatusCode::CONFLICT, "nullifier_used"),
            SubmitError::DuplicateBallot { .. } => (StatusCode::CONFLICT, "duplicate_ballot"),
            SubmitError::RepeatedChoice { .. } => (StatusCode::CONFLICT, "repeated_choice"),
            SubmitError::Busy(_) => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
            SubmitError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        };
        Self::new(status, code, e.to_string())
    }
}

type ApiResult<T> = Result<T, ApiFailure>;

async fn not_found() -> ApiFailure {
    ApiFailure::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such route (see docs/box-api.yaml)",
    )
}

async fn page() -> Html<&'static str> {
    Html(crate::page::RESULTS_PAGE)
}

async fn list(State(b): State<Arc<BallotBox>>) -> ApiResult<Json<Vec<ElectionSummary>>> {
    Ok(Json(b.list().await?))
}

async fn info(State(b): State<Arc<BallotBox>>, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(Json(b.info(&id).await?).into_response())
}

async fn file(
    State(b): State<Arc<BallotBox>>,
    Path((id, name)): Path<(String, String)>,
) -> ApiResult<Response> {
    let bytes = b.file(&id, &name).await?;
    let kind = if name.ends_with(".json") {
        "application/json"
    } else {
        "application/octet-stream"
    };
    Ok(([(header::CONTENT_TYPE, kind)], bytes).into_response())
}

async fn submit(
    State(b): State<Arc<BallotBox>>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiFailure::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("the body is over {MAX_BODY} bytes; a ballot is under 1 KiB"),
            )
        } else {
            ApiFailure::malformed(format!("cannot read the body: {e}"))
        }
    })?;
    let receipt = b.submit(&id, &body).await?;
    Ok((StatusCode::CREATED, Json(receipt)).into_response())
}

fn parse_hash(s: &str) -> ApiResult<[u8; 32]> {
    let bytes = hex::decode(s)
        .ok()
        .filter(|b| b.len() == 32 && s.chars().all(|c| !c.is_ascii_uppercase()))
        .ok_or_else(|| ApiFailure::malformed(format!("{s:?} is not 64 lowercase hex digits")))?;
    Ok(bytes.try_into().expect("32 bytes"))
}

fn parse_u64(s: &str, what: &str) -> ApiResult<u64> {
    let shown: String = s.chars().take(40).collect();
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return Err(ApiFailure::malformed(format!(
            "{what} {shown:?} is not a decimal number without leading zeros"
        )));
    }
    s.parse()
        .map_err(|_| ApiFailure::malformed(format!("{what} {shown:?}… does not fit in 64 bits")))
}

async fn receipt(
    State(b): State<Arc<BallotBox>>,
    Path((id, leaf)): Path<(String, String)>,
) -> ApiResult<Response> {
    let leaf = parse_hash(&leaf)?;
    Ok(Json(b.receipt(&id, &leaf).await?).into_response())
}

fn note(text: String) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

async fn latest_checkpoint(
    State(b): State<Arc<BallotBox>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(note(b.latest_checkpoint(&id).await?.note))
}

async fn checkpoint(
    State(b): State<Arc<BallotBox>>,
    Path((id, size)): Path<(String, String)>,
) -> ApiResult<Response> {
    let size = parse_u64(&size, "size")?;
    Ok(note(b.checkpoint(&id, size).await?.note))
}

/// Query strings are taken as text and parsed here, so that every bad value gets the
/// same JSON error as the rest of the API.
#[derive(Deserialize)]
struct RawQuery {
    from: Option<String>,
    to: Option<String>,
    start: Option<String>,
    limit: Option<String>,
}

fn query(
    q: Result<Query<RawQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<RawQuery> {
    q.map(|Query(q)| q)
        .map_err(|e| ApiFailure::malformed(format!("query string: {e}")))
}

async fn consistency(
    State(b): State<Arc<BallotBox>>,
    Path(id): Path<String>,
    q: Result<Query<RawQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Response> {
    let q = query(q)?;
    let need = |v: Option<String>, what: &str| {
        v.ok_or_else(|| ApiFailure::malformed(format!("missing {what}")))
            .and_then(|v| parse_u64(&v, what))
    };
    let (from, to) = (need(q.from, "from")?, need(q.to, "to")?);
    Ok(Json(b.consistency(&id, from, to).await?).into_response())
}

async fn entries(
    State(b): State<Arc<BallotBox>>,
    Path(id): Path<String>,
    q: Result<Query<RawQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Response> {
    let q = query(q)?;
    let start = q.start.map_or(Ok(0), |v| parse_u64(&v, "start"))?;
    let limit = q
        .limit
        .map_or(Ok(crate::store::MAX_PAGE), |v| parse_u64(&v, "limit"))?;
    Ok(Json(b.entries(&id, start, limit).await?).into_response())
}

async fn results(State(b): State<Arc<BallotBox>>, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(Json(b.results(&id).await?).into_response())
}
