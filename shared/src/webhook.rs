//! Standard Webhooks v1 (https://www.standardwebhooks.com): signing handoff deliveries and
//! verifying them in a receiver.
//!
//! - Headers: `webhook-id` (stable across retries), `webhook-timestamp` (Unix seconds),
//!   `webhook-signature` (`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, several
//!   space-separated while keys rotate).
//! - Secrets are written `whsec_<base64 key>`; they come from Worker secrets, never the repo.
//! - Verification compares in constant time, accepts ±5 minutes of clock skew, and rejects a
//!   missing header, an empty secret, and `v1,` signatures that are empty or truncated.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

pub const HEADER_ID: &str = "webhook-id";
pub const HEADER_TIMESTAMP: &str = "webhook-timestamp";
pub const HEADER_SIGNATURE: &str = "webhook-signature";
/// How far a timestamp may be from the receiver's clock.
pub const TOLERANCE_SECS: i64 = 5 * 60;

const PREFIX: &str = "whsec_";

/// A signing key.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookError {
    /// The secret is empty, not `whsec_…`, or not base64.
    BadSecret(&'static str),
    MissingHeader(&'static str),
    BadTimestamp,
    /// The timestamp is more than [`TOLERANCE_SECS`] in the past.
    TooOld,
    /// The timestamp is more than [`TOLERANCE_SECS`] in the future.
    TooNew,
    /// No `v1,` signature in the header matches any of the secrets.
    NoMatch,
}

impl std::fmt::Display for WebhookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WebhookError::BadSecret(why) => write!(f, "bad webhook secret: {why}"),
            WebhookError::MissingHeader(h) => write!(f, "missing header `{h}`"),
            WebhookError::BadTimestamp => {
                write!(f, "`{HEADER_TIMESTAMP}` is not a Unix time in seconds")
            }
            WebhookError::TooOld => write!(
                f,
                "`{HEADER_TIMESTAMP}` is more than {TOLERANCE_SECS} s old"
            ),
            WebhookError::TooNew => write!(
                f,
                "`{HEADER_TIMESTAMP}` is more than {TOLERANCE_SECS} s in the future"
            ),
            WebhookError::NoMatch => write!(f, "no signature in `{HEADER_SIGNATURE}` matches"),
        }
    }
}

impl std::error::Error for WebhookError {}

impl Secret {
    /// Parses `whsec_<base64>`; a bare base64 key is accepted too.
    pub fn parse(text: &str) -> Result<Secret, WebhookError> {
        let b64 = text.trim().strip_prefix(PREFIX).unwrap_or(text.trim());
        if b64.is_empty() {
            return Err(WebhookError::BadSecret("empty"));
        }
        let key = B64
            .decode(b64)
            .map_err(|_| WebhookError::BadSecret("not base64 after `whsec_`"))?;
        if key.is_empty() {
            return Err(WebhookError::BadSecret("empty key"));
        }
        Ok(Secret(key))
    }

    /// Several secrets separated by spaces or commas (key rotation: new and old).
    pub fn parse_list(text: &str) -> Result<Vec<Secret>, WebhookError> {
        let secrets: Vec<Secret> = text
            .split([' ', ',', '\n'])
            .filter(|s| !s.trim().is_empty())
            .map(Secret::parse)
            .collect::<Result<_, _>>()?;
        if secrets.is_empty() {
            return Err(WebhookError::BadSecret("empty"));
        }
        Ok(secrets)
    }

    fn mac(&self, id: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
        // HMAC accepts keys of any length; `parse` has refused empty ones.
        #[allow(clippy::expect_used)]
        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }

    /// `v1,<base64 signature>` for one delivery.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        format!(
            "v1,{}",
            B64.encode(self.mac(id, timestamp, body).finalize().into_bytes())
        )
    }
}

/// The `webhook-signature` header value: one signature per secret, space-separated.
pub fn signature_header(secrets: &[Secret], id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets
        .iter()
        .map(|s| s.sign(id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Verifies a delivery. `header` looks a header up by its lower-case name; `now` is the
/// receiver's clock in Unix seconds.
pub fn verify<'h>(
    secrets: &[Secret],
    header: impl Fn(&str) -> Option<&'h str>,
    body: &[u8],
    now: i64,
) -> Result<(), WebhookError> {
    if secrets.is_empty() {
        return Err(WebhookError::BadSecret("no secret configured"));
    }
    let id = header(HEADER_ID)
        .filter(|v| !v.is_empty())
        .ok_or(WebhookError::MissingHeader(HEADER_ID))?;
    let ts_text = header(HEADER_TIMESTAMP)
        .filter(|v| !v.is_empty())
        .ok_or(WebhookError::MissingHeader(HEADER_TIMESTAMP))?;
    let signatures = header(HEADER_SIGNATURE)
        .filter(|v| !v.is_empty())
        .ok_or(WebhookError::MissingHeader(HEADER_SIGNATURE))?;
    let timestamp: i64 = ts_text
        .trim()
        .parse()
        .map_err(|_| WebhookError::BadTimestamp)?;
    // Saturating: `now` near the ends of i64 must not overflow (a panic in debug builds).
    if timestamp < now.saturating_sub(TOLERANCE_SECS) {
        return Err(WebhookError::TooOld);
    }
    if timestamp > now.saturating_add(TOLERANCE_SECS) {
        return Err(WebhookError::TooNew);
    }
    for candidate in signatures.split(' ') {
        let Some(b64) = candidate.strip_prefix("v1,") else {
            continue;
        };
        // An empty or truncated signature decodes to fewer than 32 bytes: never a match.
        let Ok(bytes) = B64.decode(b64) else { continue };
        if bytes.len() != 32 {
            continue;
        }
        for secret in secrets {
            // `verify_slice` compares in constant time.
            if secret.mac(id, timestamp, body).verify_slice(&bytes).is_ok() {
                return Ok(());
            }
        }
    }
    Err(WebhookError::NoMatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    const ID: &str = "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk";
    const TS: i64 = 1_649_367_553;
    const BODY: &[u8] = br#"{"email":"test@example.com","username":"test_user"}"#;
    const EXPECTED: &str = "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=";

    fn headers<'a>(id: &'a str, ts: &'a str, sig: &'a str) -> impl Fn(&str) -> Option<&'a str> {
        move |name| match name {
            HEADER_ID => Some(id),
            HEADER_TIMESTAMP => Some(ts),
            HEADER_SIGNATURE => Some(sig),
            _ => None,
        }
    }

    #[test]
    fn reference_vector() {
        let secret = Secret::parse(SECRET).expect("secret");
        assert_eq!(secret.sign(ID, TS, BODY), EXPECTED);
        let ts = TS.to_string();
        assert_eq!(
            verify(&[secret], headers(ID, &ts, EXPECTED), BODY, TS),
            Ok(())
        );
    }

    #[test]
    fn rotation_and_rejections() {
        let secret = Secret::parse(SECRET).expect("secret");
        let other = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("secret");
        let ts = TS.to_string();
        let both = signature_header(&[other.clone(), secret.clone()], ID, TS, BODY);
        assert!(both.contains(EXPECTED) && both.contains(' '));
        let ok = |sig: &str, body: &[u8], now: i64, secrets: &[Secret]| {
            verify(secrets, headers(ID, &ts, sig), body, now)
        };
        // Either of the rotating secrets verifies.
        assert_eq!(ok(&both, BODY, TS, std::slice::from_ref(&secret)), Ok(()));
        assert_eq!(ok(&both, BODY, TS, std::slice::from_ref(&other)), Ok(()));
        // Tampered body, wrong secret, empty or truncated signatures, wrong version.
        assert_eq!(
            ok(EXPECTED, b"{}", TS, std::slice::from_ref(&secret)),
            Err(WebhookError::NoMatch)
        );
        assert_eq!(
            ok(EXPECTED, BODY, TS, std::slice::from_ref(&other)),
            Err(WebhookError::NoMatch)
        );
        for bad in [
            "v1,",
            "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe",
            "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw",
            "v2,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
            "tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
            "v1,!!!",
        ] {
            assert_eq!(
                ok(bad, BODY, TS, std::slice::from_ref(&secret)),
                Err(WebhookError::NoMatch),
                "{bad}"
            );
        }
        // Clock skew: ±5 minutes.
        assert_eq!(
            ok(
                EXPECTED,
                BODY,
                TS + TOLERANCE_SECS,
                std::slice::from_ref(&secret)
            ),
            Ok(())
        );
        assert_eq!(
            ok(
                EXPECTED,
                BODY,
                TS + TOLERANCE_SECS + 1,
                std::slice::from_ref(&secret)
            ),
            Err(WebhookError::TooOld)
        );
        assert_eq!(
            ok(
                EXPECTED,
                BODY,
                TS - TOLERANCE_SECS - 1,
                std::slice::from_ref(&secret)
            ),
            Err(WebhookError::TooNew)
        );
        // Missing headers and bad timestamps.
        let missing = |skip: &'static str| {
            move |name: &str| {
                if name == skip {
                    None
                } else {
                    headers(ID, "1649367553", EXPECTED)(name)
                }
            }
        };
        for h in [HEADER_ID, HEADER_TIMESTAMP, HEADER_SIGNATURE] {
            assert_eq!(
                verify(std::slice::from_ref(&secret), missing(h), BODY, TS),
                Err(WebhookError::MissingHeader(h))
            );
        }
        assert_eq!(
            verify(
                std::slice::from_ref(&secret),
                headers(ID, "yesterday", EXPECTED),
                BODY,
                TS
            ),
            Err(WebhookError::BadTimestamp)
        );
        // Secrets.
        assert_eq!(
            verify(&[], headers(ID, &ts, EXPECTED), BODY, TS),
            Err(WebhookError::BadSecret("no secret configured"))
        );
        assert!(Secret::parse("whsec_").is_err());
        assert!(Secret::parse("").is_err());
        assert!(Secret::parse("whsec_not base64!").is_err());
        assert_eq!(
            Secret::parse_list(
                "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
            )
            .map(|v| v.len()),
            Ok(2)
        );
        assert!(format!("{secret:?}").contains("redacted"));
    }
}
