//! The Ferry Worker. The entry points stay thin: `fetch` hands the request to [`api`] and
//! turns any [`ApiError`] into a response in one place; `queue` hands batches to [`delivery`];
//! the daily cron (`scheduled`) runs [`retention`].

mod api;
mod chat;
mod contact;
mod delivery;
mod error;
mod retention;
mod sites;
mod store;

use worker::{
    Context, Env, MessageBatch, Request, Response, Result, ScheduleContext, ScheduledEvent, event,
};

pub use error::ApiError;

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let mut response = match api::handle(req, &env).await {
        Ok(response) => response,
        Err(error) => error.into_response()?,
    };
    // Every answer of the Worker's own (static files get theirs from `www/_headers`): JSON is
    // never sniffed into something else, and nothing here is meant to be framed.
    let headers = response.headers_mut();
    headers.set("x-content-type-options", "nosniff")?;
    headers.set("content-security-policy", "frame-ancestors 'none'")?;
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
