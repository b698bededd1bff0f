//! The one place where errors become responses: JSON `{"error":{"code","message"}}` with the
//! right status. Internal details are logged, never sent: the shopper sees no stack trace.

use ferry_shared::wire::{ErrorBody, ErrorCode, ErrorDetail, InputError, InputErrorKind};
use worker::{Response, Result, console_error};

#[derive(Debug)]
pub enum ApiError {
    /// 400: the body is not the JSON we expect; the message names the field.
    BadRequest(String),
    /// 413: the body or the text is over its limit.
    TooLarge(String),
    /// 404 for a site id no bundled site file has.
    UnknownSite(String),
    /// 404 for a path the Worker does not serve.
    NotFound(String),
    /// 405, with the methods the path accepts.
    MethodNotAllowed { allow: &'static str },
    /// 403: a browser page on an origin the site file does not list.
    OriginNotAllowed { origin: String, site: String },
    /// 429: over a burst limit; retry after the window.
    RateLimited { retry_after_secs: u32 },
    /// 429: this client address created the site's maximum of new handoffs for now.
    HandoffLimit { retry_after_secs: u32 },
    /// 403: the site asks for a Turnstile token before a handoff, and none came.
    ChallengeRequired,
    /// 403: the token was invalid, expired or used before.
    ChallengeFailed(String),
    /// 401: a signed request (a reply, a Slack event) that does not verify; nothing stored.
    Unauthorized(String),
    /// 503: storage or the queue failed; the client retries with the same ids.
    Unavailable { what: &'static str, detail: String },
    /// 500: a bug. Logged in full, reported in general terms.
    Internal(String),
}

impl From<InputError> for ApiError {
    fn from(e: InputError) -> Self {
        match e.kind {
            InputErrorKind::TooLarge => ApiError::TooLarge(e.to_string()),
            InputErrorKind::Invalid => ApiError::BadRequest(e.to_string()),
        }
    }
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl ApiError {
    /// Seconds a client should wait before retrying a 503.
    pub const RETRY_AFTER_SECS: u32 = 2;

    pub fn into_response(self) -> Result<Response> {
        let (code, message) = match &self {
            ApiError::BadRequest(m) => (ErrorCode::BadRequest, m.clone()),
            ApiError::TooLarge(m) => (ErrorCode::TooLarge, m.clone()),
            ApiError::UnknownSite(site) => (
                ErrorCode::UnknownSite,
                format!("no site `{site}` is configured on this server"),
            ),
            ApiError::NotFound(path) => (
                ErrorCode::NotFound,
                format!("nothing is served at `{path}`"),
            ),
            ApiError::MethodNotAllowed { allow } => {
                (ErrorCode::MethodNotAllowed, format!("use {allow}"))
            }
            ApiError::OriginNotAllowed { origin, site } => (
                ErrorCode::OriginNotAllowed,
                format!(
                    "pages on `{origin}` may not use site `{site}`; add the origin to [site] origins in its site file"
                ),
            ),
            ApiError::RateLimited { retry_after_secs } => (
                ErrorCode::RateLimited,
                format!("too many messages at once; wait {retry_after_secs} s and send again"),
            ),
            ApiError::HandoffLimit { retry_after_secs } => (
                ErrorCode::HandoffLimit,
                format!(
                    "this address has reached the number of new requests to a person for now; try again in {} min, or write to the shop's support email",
                    retry_after_secs.div_ceil(60)
                ),
            ),
            ApiError::ChallengeRequired => (
                ErrorCode::ChallengeRequired,
                "solve the Turnstile challenge and resend this message with `turnstile_token`"
                    .to_string(),
            ),
            ApiError::ChallengeFailed(m) => (ErrorCode::ChallengeFailed, m.clone()),
            ApiError::Unauthorized(m) => (ErrorCode::Unauthorized, m.clone()),
            ApiError::Unavailable { what, detail } => {
                console_error!("503 {what}: {detail}");
                (
                    ErrorCode::Unavailable,
                    format!("{what} is unavailable right now; retry the same request"),
                )
            }
            ApiError::Internal(detail) => {
                console_error!("500: {detail}");
                (
                    ErrorCode::Internal,
                    "something went wrong on our side".to_string(),
                )
            }
        };
        let body = ErrorBody {
            error: ErrorDetail { code, message },
        };
        let mut response = Response::from_json(&body)?.with_status(code.status());
        let headers = response.headers_mut();
        headers.set("cache-control", "no-store")?;
        match self {
            ApiError::MethodNotAllowed { allow } => headers.set("allow", allow)?,
            ApiError::Unavailable { .. } => {
                headers.set("retry-after", &Self::RETRY_AFTER_SECS.to_string())?
            }
            ApiError::RateLimited { retry_after_secs }
            | ApiError::HandoffLimit { retry_after_secs } => {
                headers.set("retry-after", &retry_after_secs.to_string())?
            }
            _ => {}
        }
        Ok(response)
    }
}

/// Parses a JSON body into `T`, naming the field that is wrong; `what` completes "send …".
/// The parsing is `ferry_shared::json` (fuzzed there); this maps its message to a 400.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8], what: &str) -> Result<T, ApiError> {
    ferry_shared::json::parse_json(body, what).map_err(ApiError::BadRequest)
}
