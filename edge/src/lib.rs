//! The Ferry Worker. The entry points stay thin: `fetch` hands the request to [`api`] and
//! turns any [`ApiError`] into a response in one place; `queue` hands batches to [`delivery`];
//! the daily cron (`scheduled`) runs [`retention`].

mod api;
mod chat;
mod contact;
mod delivery;
mod error;
mod guard;
mod replies;
mod reply_store;
mod retention;
mod sites;
mod slack_api;
mod slack_events;
mod store;
mod trips;

use worker::{
    Context, Env, MessageBatch, Request, Response, Result, ScheduleContext, ScheduledEvent, event,
};

pub use error::ApiError;
pub use guard::HandoffCap;

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let answer = api::handle(req, &env, &ctx).await;
    let mut response = match answer.result {
        Ok(response) => response,
        Err(error) => error.into_response()?,
    };
    // Every answer of the Worker's own (static files get theirs from `www/_headers`): JSON is
    // never sniffed into something else, and nothing here is meant to be framed.
    let headers = response.headers_mut();
    headers.set("x-content-type-options", "nosniff")?;
    headers.set("content-security-policy", "frame-ancestors 'none'")?;
    // The API answers CORS only for the site's own storefront origins, one at a time (never
    // `*`, never credentials), so caches keep one answer per origin.
    if answer.api {
        headers.set("vary", "Origin")?;
    }
    if let Some(origin) = answer.cors {
        headers.set("access-control-allow-origin", &origin)?;
        headers.set("access-control-expose-headers", "Retry-After, ETag")?;
    }
    Ok(response)
}

#[event(queue)]
async fn queue(batch: MessageBatch<delivery::Job>, env: Env, _ctx: Context) -> Result<()> {
    delivery::consume(batch, &env).await
}

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    retention::run(&env).await;
}
