//! A blocking client of the box's API, for the CLI (`vote --submit`, `fetch`,
//! `receipt check`, `tally --from`). Every answer is parsed into the [`crate::wire`]
//! types; an error answer becomes [`ClientError::Refused`] with the box's code and message.

use std::time::Duration;

use crate::wire::{
    ApiError, ConsistencyOut, ElectionInfo, ElectionSummary, EntriesPage, Receipt, ResultsOut,
};

/// The longest a single request may take (the proving key download included).
pub const TIMEOUT: Duration = Duration::from_secs(600);
/// The largest answer read into memory (a proving key at depth 32 is far below this).
pub const MAX_ANSWER: u64 = 1 << 30;

/// What went wrong talking to a box.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The URL is not an `http://` or `https://` URL.
    #[error("{0:?} is not an http:// or https:// URL")]
    BadUrl(String),
    /// No answer (connection refused, timeout, TLS).
    #[error("{url}: {what}")]
    Transport {
        /// The URL asked.
        url: String,
        /// What failed.
        what: String,
    },
    /// The box answered with an error.
    #[error("{url}: the box refused ({status} {code}): {message}")]
    Refused {
        /// The URL asked.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The box's error code.
        code: String,
        /// The box's message.
        message: String,
    },
    /// The answer is not what the API promises.
    #[error("{url}: unexpected answer: {what}")]
    BadAnswer {
        /// The URL asked.
        url: String,
        /// What is wrong with it.
        what: String,
    },
}

/// A box at a base URL.
pub struct Client {
    base: String,
    http: reqwest::blocking::Client,
}

impl Client {
    /// A client of the box at `base` (e.g. `http://127.0.0.1:8080`).
    ///
    /// # Errors
    /// [`ClientError::BadUrl`], [`ClientError::Transport`].
    pub fn new(base: &str) -> Result<Self, ClientError> {
        let base = base.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(ClientError::BadUrl(base));
        }
        let http = reqwest::blocking::Client::builder()
            .timeout(TIMEOUT)
            .user_agent(concat!("zkvote/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Transport {
                url: base.clone(),
                what: e.to_string(),
            })?;
        Ok(Client { base, http })
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn answer(
        &self,
        url: &str,
        r: reqwest::Result<reqwest::blocking::Response>,
    ) -> Result<Vec<u8>, ClientError> {
        let transport = |e: reqwest::Error| ClientError::Transport {
            url: url.to_owned(),
            what: e.to_string(),
        };
        let r = r.map_err(transport)?;
        let status = r.status();
        if r.content_length().is_some_and(|n| n > MAX_ANSWER) {
            return Err(ClientError::BadAnswer {
                url: url.to_owned(),
                what: format!("more than {MAX_ANSWER} bytes"),
            });
        }
        let bytes = r.bytes().map_err(transport)?.to_vec();
        if status.is_success() {
            return Ok(bytes);
        }
        let (code, message) = match serde_json::from_slice::<ApiError>(&bytes) {
            Ok(e) => (e.error, e.message),
            Err(_) => (
                "unknown".into(),
                String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned(),
            ),
        };
        Err(ClientError::Refused {
            url: url.to_owned(),
            status: status.as_u16(),
            code,
            message,
        })
    }

    fn get_bytes(&self, path: &str) -> Result<Vec<u8>, ClientError> {
        let url = self.url(path);
        let r = self.http.get(&url).send();
        self.answer(&url, r)
    }

    fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let url = self.url(path);
        let bytes = self.get_bytes(path)?;
        serde_json::from_slice(&bytes).map_err(|e| ClientError::BadAnswer {
            url,
            what: e.to_string(),
        })
    }

    fn get_text(&self, path: &str) -> Result<String, ClientError> {
        let url = self.url(path);
        String::from_utf8(self.get_bytes(path)?).map_err(|_| ClientError::BadAnswer {
            url,
            what: "not UTF-8".into(),
        })
    }

    /// `GET /v1/elections`: the elections the box hosts.
    pub fn elections(&self) -> Result<Vec<ElectionSummary>, ClientError> {
        self.get_json("/v1/elections")
    }

    /// `GET /v1/elections/{id}/results`: the box's own running count.
    pub fn results(&self, election: &str) -> Result<ResultsOut, ClientError> {
        self.get_json(&format!("/v1/elections/{election}/results"))
    }

    /// `GET /v1/elections/{id}`.
    pub fn info(&self, election: &str) -> Result<ElectionInfo, ClientError> {
        self.get_json(&format!("/v1/elections/{election}"))
    }

    /// `GET /v1/elections/{id}/files/{name}`.
    pub fn file(&self, election: &str, name: &str) -> Result<Vec<u8>, ClientError> {
        self.get_bytes(&format!("/v1/elections/{election}/files/{name}"))
    }

    /// `POST /v1/elections/{id}/ballots`.
    pub fn submit(&self, election: &str, ballot_json: &[u8]) -> Result<Receipt, ClientError> {
        let url = self.url(&format!("/v1/elections/{election}/ballots"));
        let r = self
            .http
            .post(&url)
            .header("content-type", "application/json")
            .body(ballot_json.to_vec())
            .send();
        let bytes = self.answer(&url, r)?;
        serde_json::from_slice(&bytes).map_err(|e| ClientError::BadAnswer {
            url,
            what: e.to_string(),
        })
    }

    /// `GET /v1/elections/{id}/checkpoint`.
    pub fn latest_checkpoint(&self, election: &str) -> Result<String, ClientError> {
        self.get_text(&format!("/v1/elections/{election}/checkpoint"))
    }

    /// `GET /v1/elections/{id}/consistency?from=&to=`.
    pub fn consistency(
        &self,
        election: &str,
        from: u64,
        to: u64,
    ) -> Result<ConsistencyOut, ClientError> {
        self.get_json(&format!(
            "/v1/elections/{election}/consistency?from={from}&to={to}"
        ))
    }

    /// `GET /v1/elections/{id}/entries?start=&limit=`.
    pub fn entries(
        &self,
        election: &str,
        start: u64,
        limit: u64,
    ) -> Result<EntriesPage, ClientError> {
        self.get_json(&format!(
            "/v1/elections/{election}/entries?start={start}&limit={limit}"
        ))
    }
}
