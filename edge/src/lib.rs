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
    match api::handle(req, &env).await {
        Ok(response) => Ok(response),
        Err(error) => error.into_response(),
    }
}

#[event(queue)]
async fn queue(batch: MessageBatch<delivery::Job>, env: Env, _ctx: Context) -> Result<()> {
    delivery::consume(batch, &env).await
}

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    retention::run(&env).await;
}
