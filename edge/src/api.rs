//! HTTP routing: which path and method go where. Everything returns `Result<_, ApiError>`;
//! `lib.rs` maps the error. Paths that match a static asset never reach the Worker.

use ferry_shared::wire::MAX_BODY_BYTES;
use worker::{Context, Date, Env, Method, Request, Response};

use crate::error::ApiError;
use crate::guard::{self, Client};
use crate::sites::{self, Lookup};
use crate::{chat, contact, replies, slack_events, store, trips};

/// What [`handle`] gives `lib.rs`: the response (or the error to map), and for `/v1/` paths
/// the storefront origin to answer CORS for, when the site allows it.
pub struct Answer {
    pub result: Result<Response, ApiError>,
    pub api: bool,
    pub cors: Option<String>,
}

pub async fn handle(mut req: Request, env: &Env, ctx: &Context) -> Answer {
    let path = req.path();
    let mut cors = None;
    let result = route(&mut req, &path, env, ctx, &mut cors).await;
    Answer {
        result,
        api: path.starts_with("/v1/"),
        cors,
    }
}

async fn route(
    req: &mut Request,
    path: &str,
    env: &Env,
    ctx: &Context,
    cors: &mut Option<String>,
) -> Result<Response, ApiError> {
    let method = req.method();
    match (path, method) {
        ("/healthz", Method::Get | Method::Head) => health(env).await,
        ("/healthz", _) => Err(ApiError::MethodNotAllowed { allow: "GET, HEAD" }),
        ("/v1/config", Method::Get | Method::Head) => {
            let id = query_site(req)?.ok_or_else(|| {
                ApiError::BadRequest(
                    "`site`: query parameter is required, e.g. /v1/config?site=demo".into(),
                )
            })?;
            let site = sites::site_or_error(&id)?;
            *cors = allow_origin(req, site)?;
            config(env, site)
        }
        ("/v1/config", Method::Options) => preflight(req, cors, "GET, HEAD"),
        ("/v1/config", _) => Err(ApiError::MethodNotAllowed { allow: "GET, HEAD" }),
        ("/v1/chat" | "/v1/contact", Method::Options) => preflight(req, cors, "POST"),
        ("/v1/chat", Method::Post) => {
            let client = Client::of(req);
            let query = query_site(req)?;
            let body = read_body(req).await?;
            if let Some(site) = request_site(query.as_deref(), &body)? {
                *cors = allow_origin(req, site)?;
            }
            // Where the visitor is, as Cloudflare sees it: the default shipping country.
            let geo_country = req
                .cf()
                .and_then(|cf| cf.country())
                .filter(|c| c.len() == 2 && c != "XX" && c != "T1");
            let (response, awaits) = chat::handle(&body, geo_country, &client, env, ctx).await?;
            let mut response = no_store(Response::from_json(&response)?)?;
            response
                .headers_mut()
                .set(trips::HEADER, &awaits.to_string())?;
            Ok(response)
        }
        ("/v1/chat", _) => Err(ApiError::MethodNotAllowed { allow: "POST" }),
        ("/v1/contact", Method::Post) => {
            let client = Client::of(req);
            let query = query_site(req)?;
            let body = read_body(req).await?;
            if let Some(site) = request_site(query.as_deref(), &body)? {
                *cors = allow_origin(req, site)?;
                // Contact forms count against the address's burst limit, like messages.
                guard::bursts(env, site, None, &client).await?;
            }
            let response = contact::handle(&body, env).await?;
            Ok(no_store(Response::from_json(&response)?)?)
        }
        ("/v1/contact", _) => Err(ApiError::MethodNotAllowed { allow: "POST" }),
        // Server to server (a helpdesk, Slack): signed, no CORS.
        ("/v1/replies", Method::Post) => {
            let body = read_body(req).await?;
            replies::post(req, &body, env).await
        }
        ("/v1/slack/events", Method::Post) => {
            let body = read_body(req).await?;
            slack_events::post(req, &body, env).await
        }
        ("/v1/replies" | "/v1/slack/events", _) => {
            Err(ApiError::MethodNotAllowed { allow: "POST" })
        }
        ("/v1/messages", Method::Get | Method::Head) => {
            let id = query_site(req)?.ok_or_else(|| {
                ApiError::BadRequest(
                    "`site`: query parameter is required, e.g. /v1/messages?site=demo&conversation=…"
                        .into(),
                )
            })?;
            let site = sites::site_or_error(&id)?;
            *cors = allow_origin(req, site)?;
            replies::messages(req, site, env).await
        }
        ("/v1/messages", Method::Options) => {
            let mut response = preflight(req, cors, "GET, HEAD")?;
            response.headers_mut().set(
                "access-control-allow-headers",
                "content-type, if-none-match",
            )?;
            Ok(response)
        }
        ("/v1/messages", _) => Err(ApiError::MethodNotAllowed { allow: "GET, HEAD" }),
        _ => Err(ApiError::NotFound(path.to_string())),
    }
}

/// The `site` query parameter, when given (the widget adds it to every URL so that CORS
/// preflights, which carry no body, can be answered per site).
fn query_site(req: &Request) -> Result<Option<String>, ApiError> {
    Ok(req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == "site")
        .map(|(_, v)| v.into_owned()))
}

/// The site a POST is for: the URL's `?site=`, which must agree with the body's `site`, or the
/// body's alone. `None` when the body is not JSON with a `site` (the handler then names the
/// field that is wrong).
fn request_site(
    query: Option<&str>,
    body: &[u8],
) -> Result<Option<&'static ferry_shared::CompiledSite>, ApiError> {
    #[derive(serde::Deserialize)]
    struct SiteOf {
        site: String,
    }
    let in_body = serde_json::from_slice::<SiteOf>(body).ok().map(|s| s.site);
    match (query, in_body) {
        (Some(q), Some(b)) if q != b => Err(ApiError::BadRequest(format!(
            "`site`: the body says `{}` but the URL says `{}`; send the same site id in both",
            b.chars().take(64).collect::<String>(),
            q.chars().take(64).collect::<String>()
        ))),
        (Some(id), _) => sites::site_or_error(id).map(Some),
        (None, Some(id)) => sites::site_or_error(&id).map(Some),
        (None, None) => Ok(None),
    }
}

/// The browser's `Origin` checked against the site; the request URL's own origin always passes.
fn allow_origin(
    req: &Request,
    site: &ferry_shared::CompiledSite,
) -> Result<Option<String>, ApiError> {
    let origin = req.headers().get("origin")?;
    let own = req.url()?.origin().ascii_serialization();
    guard::check_origin(origin.as_deref(), &own, site)
}

/// `OPTIONS` before a cross-origin request: allowed origins get the methods and headers the
/// widget uses, cached for a day; others a 403.
fn preflight(
    req: &Request,
    cors: &mut Option<String>,
    methods: &str,
) -> Result<Response, ApiError> {
    let id = query_site(req)?.ok_or_else(|| {
        ApiError::BadRequest(
            "`site`: add ?site=<id> to the URL, so the preflight can be checked against the site's origins"
                .into(),
        )
    })?;
    let site = sites::site_or_error(&id)?;
    *cors = allow_origin(req, site)?;
    let mut response = Response::empty()?.with_status(204);
    let headers = response.headers_mut();
    headers.set("access-control-allow-methods", methods)?;
    headers.set("access-control-allow-headers", "content-type")?;
    headers.set("access-control-max-age", "86400")?;
    Ok(response)
}

async fn health(env: &Env) -> Result<Response, ApiError> {
    let db = store::ping(env).await;
    let loaded: Vec<_> = sites::ids()
        .into_iter()
        .filter_map(|id| match sites::get(id) {
            Lookup::Found(site) => Some(site),
            _ => None,
        })
        .collect();
    let bindings = guard::bindings_present(env, &loaded);
    let missing: Vec<&str> = bindings
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(n, _)| n.as_str())
        .collect();
    let body = serde_json::json!({
        "ok": db.is_ok() && missing.is_empty(),
        "version": env!("CARGO_PKG_VERSION"),
        "sites": sites::ids(),
        "d1": db.map_or_else(|e| e, |()| "ok".into()),
        // This isolate's WebAssembly linear memory: it only grows, so a leak in the Rust code
        // shows here (`cargo xtask load` reads it before and after a run).
        "wasm_memory_bytes": wasm_memory_bytes(),
        "limits": if missing.is_empty() {
            "ok".to_string()
        } else {
            format!("missing bindings in wrangler.toml: {}", missing.join(", "))
        },
    });
    Ok(no_store(
        Response::from_json(&body)?.with_status(if body["ok"] == true { 200 } else { 503 }),
    )?)
}

fn wasm_memory_bytes() -> u32 {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length()
}

fn config(env: &Env, site: &ferry_shared::CompiledSite) -> Result<Response, ApiError> {
    // The compiled config has no clock; whether someone is at the inbox is as of now. The
    // response is cached for a minute, so the status may be that much out of date.
    let now = Date::now().as_millis() as i64;
    let mut config = site.widget_config().clone();
    config.status = Some(site.status(now));
    config.turnstile_site_key = guard::turnstile_site_key(env, site);
    let mut response = Response::from_json(&config)?;
    response
        .headers_mut()
        .set("cache-control", "public, max-age=60")?;
    Ok(response)
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
