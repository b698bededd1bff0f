//! The daily cron: deletes conversations (messages, handoffs, deliveries, events) whose last
//! message is older than their site's `retention_days` (default 30), and spent Turnstile
//! tokens older than a day.

use worker::{Date, Env, console_error, console_log};

use crate::sites::{self, Lookup};
use crate::store;

const DAY_MS: i64 = 86_400_000;

pub async fn run(env: &Env) {
    let now = Date::now().as_millis() as i64;
    for id in sites::ids() {
        let Lookup::Found(site) = sites::get(id) else {
            continue;
        };
        let cutoff = now - i64::from(site.retention_days) * DAY_MS;
        match store::purge(env, &site.id, cutoff).await {
            Ok(n) => console_log!(
                "retention: site {}: deleted {n} conversation(s) idle for over {} days",
                site.id,
                site.retention_days
            ),
            Err(e) => console_error!("retention: site {}: {e}", site.id),
        }
    }
    match store::purge_tokens(env, now - DAY_MS).await {
        Ok(n) => console_log!("retention: forgot {n} spent Turnstile token(s)"),
        Err(e) => console_error!("retention: Turnstile tokens: {e}"),
    }
}
