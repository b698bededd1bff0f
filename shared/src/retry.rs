//! Delivery retries: the schedule of growing delays, jitter, what a receiver's status means,
//! and `Retry-After`. Pure: the caller passes the time and the random number.
//!
//! The queue consumer cannot read a queue's own attempt count, so each retry is a new queue
//! message that carries its attempt number and is sent with the delay computed here.

use chrono::NaiveDateTime;

/// About 5 s, 5 min, 30 min, 2 h, 5 h and 10 h: a receiver that is down for most of a day
/// still gets every handoff.
pub const DEFAULT_SCHEDULE: &str = "5s,5m,30m,2h,5h,10h";
/// A queue message can be delayed by at most 12 hours.
pub const MAX_DELAY_SECS: u32 = 12 * 3600;
/// A request to a receiver is given up after this long (a hung receiver is a failed attempt).
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;
/// Jitter spreads retries of many handoffs that failed together: ±20 % of each delay.
const JITTER: f64 = 0.2;

/// The delays before each retry, in seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule(Vec<u32>);

impl Schedule {
    /// Parses `"5s,5m,30m,2h"`: comma-separated numbers with `s`, `m` or `h`. At least one
    /// delay; each at most 12 h (the queue's limit).
    pub fn parse(text: &str) -> Result<Schedule, String> {
        let mut delays = Vec::new();
        for part in text.split(',').map(str::trim) {
            let (number, unit) = part.split_at(part.len().saturating_sub(1));
            let factor = match unit {
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                _ => {
                    return Err(format!(
                        "retry schedule: `{part}` needs a unit: s, m or h (e.g. \"5s,5m,30m,2h\")"
                    ));
                }
            };
            let secs = number
                .parse::<u32>()
                .ok()
                .and_then(|n| n.checked_mul(factor))
                .filter(|s| *s <= MAX_DELAY_SECS)
                .ok_or_else(|| {
                    format!("retry schedule: `{part}` is not a delay between 0s and 12h")
                })?;
            delays.push(secs);
        }
        if delays.is_empty() {
            return Err("retry schedule: give at least one delay, e.g. \"5s,5m\"".into());
        }
        Ok(Schedule(delays))
    }

    /// How many retries follow the first attempt.
    pub fn retries(&self) -> usize {
        self.0.len()
    }

    /// The delay before retry number `retry` (0 = the first retry), jittered by `random` in
    /// `[0, 1)`, or `None` when the schedule is exhausted.
    pub fn delay_secs(&self, retry: usize, random: f64) -> Option<u32> {
        let base = f64::from(*self.0.get(retry)?);
        let factor = 1.0 - JITTER + 2.0 * JITTER * random.clamp(0.0, 1.0);
        Some(((base * factor).round() as u32).min(MAX_DELAY_SECS))
    }
}

impl Default for Schedule {
    fn default() -> Self {
        // The default is a constant of this module, parsed in a test.
        Schedule::parse(DEFAULT_SCHEDULE).unwrap_or_else(|_| Schedule(vec![5]))
    }
}

/// What a receiver's answer means for the delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Delivered,
    /// 410 Gone: the receiver asks not to be called again; no retry.
    Gone,
    /// Anything else; `Retry-After` counts on 429 and 503.
    Retry {
        honour_retry_after: bool,
    },
}

pub fn classify(status: u16) -> Verdict {
    match status {
        200..=299 => Verdict::Delivered,
        410 => Verdict::Gone,
        429 | 503 => Verdict::Retry {
            honour_retry_after: true,
        },
        _ => Verdict::Retry {
            honour_retry_after: false,
        },
    }
}

/// A `Retry-After` value in seconds from `now_ms`: delta-seconds (`120`) or an HTTP date
/// (`Wed, 21 Oct 2026 07:28:00 GMT`), capped at [`MAX_DELAY_SECS`]. `None` if unreadable.
pub fn retry_after_secs(value: &str, now_ms: i64) -> Option<u32> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(secs.min(u64::from(MAX_DELAY_SECS)) as u32);
    }
    let when = NaiveDateTime::parse_from_str(value, "%a, %d %b %Y %H:%M:%S GMT").ok()?;
    let delta_ms = when
        .and_utc()
        .timestamp_millis()
        .saturating_sub(now_ms)
        .max(0);
    Some(((delta_ms + 999) / 1000).min(i64::from(MAX_DELAY_SECS)) as u32)
}

/// The delay before retry number `retry`: the receiver's `Retry-After` on a 429 or 503, else
/// the schedule's jittered delay. `None`: retries are exhausted (the schedule's length bounds
/// the attempts whatever the receiver asks).
pub fn next_delay(
    schedule: &Schedule,
    retry: usize,
    verdict: Verdict,
    retry_after: Option<u32>,
    random: f64,
) -> Option<u32> {
    let scheduled = schedule.delay_secs(retry, random)?;
    match (verdict, retry_after) {
        (
            Verdict::Retry {
                honour_retry_after: true,
            },
            Some(secs),
        ) => Some(secs),
        _ => Some(scheduled),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_parse_with_units_and_limits() {
        let default = Schedule::parse(DEFAULT_SCHEDULE).expect("default parses");
        assert_eq!(default.0, vec![5, 300, 1800, 7200, 18_000, 36_000]);
        assert_eq!(Schedule::default(), default);
        assert_eq!(
            Schedule::parse(" 1s, 2s ,0s").map(|s| s.0),
            Ok(vec![1, 2, 0])
        );
        for bad in ["", "5", "5x", "13h", "-1s", "5s,,5s", "s", "99999999999h"] {
            let err = Schedule::parse(bad).expect_err(bad);
            assert!(err.starts_with("retry schedule:"), "{bad}: {err}");
        }
    }

    #[test]
    fn jitter_stays_within_a_fifth_and_exhaustion_is_none() {
        let s = Schedule::parse("100s,1h").expect("parses");
        assert_eq!(s.delay_secs(0, 0.0), Some(80));
        assert_eq!(s.delay_secs(0, 0.5), Some(100));
        assert_eq!(s.delay_secs(0, 0.999_999), Some(120));
        assert_eq!(s.delay_secs(1, 0.5), Some(3600));
        assert_eq!(s.delay_secs(2, 0.5), None);
        for i in 0..100 {
            let d = s.delay_secs(1, f64::from(i) / 100.0).expect("in range");
            assert!((2880..=4320).contains(&d), "{d}");
        }
    }

    #[test]
    fn statuses() {
        assert_eq!(classify(200), Verdict::Delivered);
        assert_eq!(classify(204), Verdict::Delivered);
        assert_eq!(classify(410), Verdict::Gone);
        for s in [429, 503] {
            assert_eq!(
                classify(s),
                Verdict::Retry {
                    honour_retry_after: true
                }
            );
        }
        for s in [301, 400, 401, 404, 500, 502] {
            assert_eq!(
                classify(s),
                Verdict::Retry {
                    honour_retry_after: false
                },
                "{s}"
            );
        }
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = 1_792_567_680_000; // 2026-10-21T07:28:00Z
        assert_eq!(retry_after_secs("120", now), Some(120));
        assert_eq!(retry_after_secs(" 0 ", now), Some(0));
        assert_eq!(retry_after_secs("999999", now), Some(MAX_DELAY_SECS));
        assert_eq!(
            retry_after_secs("Wed, 21 Oct 2026 07:30:00 GMT", now),
            Some(120)
        );
        assert_eq!(
            retry_after_secs("Wed, 21 Oct 2026 07:00:00 GMT", now),
            Some(0),
            "a date in the past means now"
        );
        for bad in ["", "soon", "-5", "1.5", "21 Oct 2026"] {
            assert_eq!(retry_after_secs(bad, now), None, "{bad}");
        }
    }

    #[test]
    fn retry_after_counts_only_where_it_may() {
        let s = Schedule::parse("10s,10s").expect("parses");
        let r429 = classify(429);
        let r500 = classify(500);
        assert_eq!(next_delay(&s, 0, r429, Some(30), 0.5), Some(30));
        assert_eq!(next_delay(&s, 0, r429, None, 0.5), Some(10));
        assert_eq!(next_delay(&s, 0, r500, Some(30), 0.5), Some(10));
        assert_eq!(next_delay(&s, 2, r429, Some(30), 0.5), None, "exhausted");
    }
}
