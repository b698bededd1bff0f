//! Standard Webhooks: secrets and headers from the wire never panic the verifier, a forged
//! signature never verifies, and what `signature_header` signs always does.
#![no_main]

use arbitrary::Arbitrary;
use ferry_shared::webhook::{
    HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, Secret, TOLERANCE_SECS, WebhookError,
    signature_header, verify,
};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    secret: &'a str,
    secret_list: &'a str,
    id: &'a str,
    timestamp: &'a str,
    signature: &'a str,
    body: &'a [u8],
    now: i64,
    /// A timestamp to sign with, and the receiver's skew from it.
    sign_at: i64,
    skew: i16,
}

fuzz_target!(|input: Input<'_>| {
    let single = Secret::parse(input.secret);
    let list = Secret::parse_list(input.secret_list);
    if let Ok(list) = &list {
        assert!(!list.is_empty(), "parse_list returned no secret");
    }
    let secrets: Vec<Secret> = single
        .into_iter()
        .chain(list.into_iter().flatten())
        .collect();

    // Headers straight from the fuzzer.
    let headers = |name: &str| match name {
        HEADER_ID => Some(input.id),
        HEADER_TIMESTAMP => Some(input.timestamp),
        HEADER_SIGNATURE => Some(input.signature),
        _ => None,
    };
    let verdict = verify(&secrets, headers, input.body, input.now);
    if verdict.is_ok() {
        // Only a real signature verifies: one of the candidates is what a secret signs.
        let ts: i64 = input
            .timestamp
            .trim()
            .parse()
            .expect("verified timestamp parses");
        assert!(
            secrets.iter().any(|s| input
                .signature
                .split(' ')
                .any(|c| c == s.sign(input.id, ts, input.body))),
            "verified a signature no secret made"
        );
    }
    let _ = verify(&[], headers, input.body, input.now);

    // What we sign verifies, with every secret alone, within the tolerance.
    if secrets.is_empty() || input.id.is_empty() {
        return;
    }
    let header = signature_header(&secrets, input.id, input.sign_at, input.body);
    let ts = input.sign_at.to_string();
    let signed = |name: &str| match name {
        HEADER_ID => Some(input.id),
        HEADER_TIMESTAMP => Some(ts.as_str()),
        HEADER_SIGNATURE => Some(header.as_str()),
        _ => None,
    };
    let skew = i64::from(input.skew);
    let Some(now) = input.sign_at.checked_add(skew) else {
        return;
    };
    let want = if skew > TOLERANCE_SECS {
        Err(WebhookError::TooOld)
    } else if skew < -TOLERANCE_SECS {
        Err(WebhookError::TooNew)
    } else {
        Ok(())
    };
    for secret in &secrets {
        assert_eq!(
            verify(std::slice::from_ref(secret), signed, input.body, now),
            want,
            "signed at {} verified at {now}",
            input.sign_at
        );
    }
    // A different body does not verify.
    let mut tampered = input.body.to_vec();
    tampered.push(b'!');
    if want.is_ok() {
        assert_eq!(
            verify(&secrets, signed, &tampered, now),
            Err(WebhookError::NoMatch)
        );
    }
});
