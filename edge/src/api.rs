//! HTTP routing: which path and method go where. Everything returns `Result<_, ApiError>`;
//! `lib.rs` maps the error. Paths that match a static asset never reach the Worker.

use ferry_shared::wire::MAX_BODY_BYTES;
use worker::{Date, Env, Method, Request, Response};

use crate::error::ApiError;
use crate::sites::{self, Lookup};
use crate::{chat, contact, store};

pub async fn handle(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let path = req.path();
    let method = req.method();
    match (path.as_str(), method) {
        ("/healthz", Method::Get | Method::Head) => health(env).await,
        ("/healthz", _) => Err(ApiError::MethodNotAllowed { allow: "GET, HEAD" }),
        ("/v1/config", Method::Get | Method::Head) => config(&req),
        ("/v1/config", _) => Err(ApiError::MethodNotAllowed { allow: "GET, HEAD" }),
        ("/v1/chat", Method::Post) => {
            let body = read_body(&mut req).await?;
            // Where the visitor is, as Cloudflare sees it: the default shipping country.
            let geo_country = req
                .cf()
                .and_then(|cf| cf.country())
                .filter(|c| c.len() == 2 && c != "XX" && c != "T1");
            let response = chat::handle(&body, geo_country, env).await?;
            Ok(no_store(Response::from_json(&response)?)?)
        }
        ("/v1/chat", _) => Err(ApiError::MethodNotAllowed { allow: "POST" }),
        ("/v1/contact", Method::Post) => {
            let body = read_body(&mut req).await?;
            let response = contact::handle(&body, env).await?;
            Ok(no_store(Response::from_json(&response)?)?)
        }
        ("/v1/contact", _) => Err(ApiError::MethodNotAllowed { allow: "POST" }),
        _ => Err(ApiError::NotFound(path)),
    }
}

async fn health(env: &Env) -> Result<Response, ApiError> {
    let db = store::ping(env).await;
    let body = serde_json::json!({
        "ok": db.is_ok(),
        "version": env!("CARGO_PKG_VERSION"),
        "sites": sites::ids(),
        "d1": db.map_or_else(|e| e, |()| "ok".into()),
    });
    Ok(no_store(
        Response::from_json(&body)?.with_status(if body["ok"] == true { 200 } else { 503 }),
    )?)
}

fn config(req: &Request) -> Result<Response, ApiError> {
    let url = req.url()?;
    let site = url
        .query_pairs()
        .find(|(k, _)| k == "site")
        .map(|(_, v)| v.into_owned())
        .ok_or_else(|| {
            ApiError::BadRequest(
                "`site`: query parameter is required, e.g. /v1/config?site=demo".into(),
            )
        })?;
    let site = site_or_error(&site)?;
    // The compiled config has no clock; whether someone is at the inbox is as of now. The
    // response is cached for a minute, so the status may be that much out of date.
    let now = Date::now().as_millis() as i64;
    let mut config = site.widget_config().clone();
    config.status = Some(site.status(now));
    let mut response = Response::from_json(&config)?;
    response
        .headers_mut()
        .set("cache-control", "public, max-age=60")?;
    Ok(response)
}

pub fn site_or_error(id: &str) -> Result<&'static ferry_shared::CompiledSite, ApiError> {
    match sites::get(id) {
        Lookup::Found(site) => Ok(site),
        Lookup::Unknown => Err(ApiError::UnknownSite(id.chars().take(64).collect())),
        Lookup::Broken(e) => Err(ApiError::Internal(e)),
    }
}

/// Reads at most [`MAX_BODY_BYTES`]; a declared or actual larger body is a 413.
async fn read_body(req: &mut Request) -> Result<Vec<u8>, ApiError> {
    let too_large = || ApiError::TooLarge(format!("request body is over {MAX_BODY_BYTES} bytes"));
    let declared = req
        .headers()
        .get("content-length")?
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(too_large());
    }
    let body = req.bytes().await?;
    if body.len() > MAX_BODY_BYTES {
        return Err(too_large());
    }
    Ok(body)
}

fn no_store(mut response: Response) -> worker::Result<Response> {
    response.headers_mut().set("cache-control", "no-store")?;
    Ok(response)
}
