//! Abuse protection of the public endpoints: who may call (the site's storefront origins),
//! how often (the Rate Limiting binding, per conversation and per client address), how many
//! new handoffs an address may create (exactly, in the [`HandoffCap`] Durable Object), and the
//! optional Turnstile challenge before a handoff. The rules live in `ferry_shared::guard`;
//! this module does the IO.

use ferry_shared::CompiledSite;
use ferry_shared::guard::{self, CapDecision, CapEntry};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use worker::{
    AbortSignal, Date, DurableObject, Env, Fetch, Headers, Method, Request, RequestInit, Response,
    Result, State, console_error, durable_object,
};

use crate::error::ApiError;
use crate::store;
use crate::trips::Trips;

/// Where Turnstile tokens are verified unless `TURNSTILE_VERIFY_URL` says otherwise (tests
/// point it at a local stub).
const SITEVERIFY_URL: &str = "https://challenges.cloudflare.com/turnstile/v0/siteverify";
/// How long siteverify has to answer.
const SITEVERIFY_TIMEOUT_MS: u32 = 10_000;

/// The caller, as far as limits care.
#[derive(Debug, Clone)]
pub struct Client {
    /// The address as Cloudflare reports it (`CF-Connecting-IP`), for siteverify.
    pub ip: Option<String>,
    /// What limits count it under ([`guard::address_key`]: an IPv6 address by its /64).
    pub address_key: String,
}

impl Client {
    pub fn of(req: &Request) -> Client {
        let ip = req
            .headers()
            .get("cf-connecting-ip")
            .ok()
            .flatten()
            .filter(|v| !v.is_empty() && v.len() <= 64);
        Client {
            address_key: guard::address_key(ip.as_deref()),
            ip,
        }
    }
}

/// Checks the browser's `Origin` against the site. `Ok(Some(origin))`: answer with CORS headers
/// for it; `Ok(None)`: no CORS needed (no `Origin`, as from a server or a same-origin GET, or
/// the Worker's own origin, where the demo store lives).
pub fn check_origin(
    origin: Option<&str>,
    own_origin: &str,
    site: &CompiledSite,
) -> std::result::Result<Option<String>, ApiError> {
    let Some(origin) = origin else {
        return Ok(None);
    };
    if guard::normalize_origin(origin)
        .is_some_and(|o| Some(o) == guard::normalize_origin(own_origin))
    {
        return Ok(None);
    }
    if guard::origin_allowed(&site.origins, origin) {
        return Ok(Some(origin.to_string()));
    }
    Err(ApiError::OriginNotAllowed {
        origin: origin.chars().take(200).collect(),
        site: site.id.clone(),
    })
}

/// The burst limits: per conversation (when given) and per client address, through the Rate Limiting
/// binding of the site's tier. A missing binding is a deployment error: logged (and shown by
/// `/healthz`), and the message goes through rather than shoppers being locked out.
pub async fn bursts(
    env: &Env,
    site: &CompiledSite,
    conversation_id: Option<&str>,
    client: &Client,
) -> std::result::Result<(), ApiError> {
    let conversation = conversation_id.map(|id| {
        (
            site.limits.messages_per_conversation,
            format!("{}:c:{id}", site.id),
        )
    });
    let address = (
        site.limits.messages_per_address,
        format!("{}:a:{}", site.id, client.address_key),
    );
    for (limit, key) in conversation.into_iter().chain([address]) {
        let binding = guard::burst_binding(limit);
        let limiter = match env.rate_limiter(&binding) {
            Ok(limiter) => limiter,
            Err(e) => {
                console_error!("rate limiting binding {binding} is missing: {e}");
                continue;
            }
        };
        match limiter.limit(key).await {
            Ok(outcome) if !outcome.success => {
                return Err(ApiError::RateLimited {
                    retry_after_secs: guard::BURST_WINDOW_SECS,
                });
            }
            Ok(_) => {}
            Err(e) => console_error!("rate limiter {binding}: {e}"),
        }
    }
    Ok(())
}

/// The bindings `/healthz` expects for the bundled sites, with whether each is there.
pub fn bindings_present(env: &Env, sites: &[&CompiledSite]) -> Vec<(String, bool)> {
    let mut names: Vec<String> = sites
        .iter()
        .flat_map(|s| {
            [
                guard::burst_binding(s.limits.messages_per_conversation),
                guard::burst_binding(s.limits.messages_per_address),
            ]
        })
        .collect();
    names.sort();
    names.dedup();
    let mut out: Vec<(String, bool)> = names
        .into_iter()
        .map(|n| {
            let ok = env.rate_limiter(&n).is_ok();
            (n, ok)
        })
        .collect();
    out.push((CAP_BINDING.into(), env.durable_object(CAP_BINDING).is_ok()));
    out
}

const CAP_BINDING: &str = "HANDOFF_CAP";

#[derive(Debug, Serialize, Deserialize)]
struct CapAsk {
    key: String,
    limit: u32,
    window_secs: u32,
}

#[derive(Debug, Serialize, Deserialize)]
struct CapAnswer {
    allowed: bool,
    #[serde(default)]
    remaining: u32,
    #[serde(default)]
    retry_after_secs: u32,
}

/// Counts a new handoff for `message_key` against the client address's cap (exact: one Durable
/// Object per site and address decides, one request at a time). Over the cap: 429.
pub async fn take_handoff(
    env: &Env,
    site: &CompiledSite,
    client: &Client,
    message_key: &str,
    trips: &Trips,
) -> std::result::Result<(), ApiError> {
    let unavailable = |e: worker::Error| ApiError::Unavailable {
        what: "the handoff limit",
        detail: e.to_string(),
    };
    let namespace = env.durable_object(CAP_BINDING).map_err(unavailable)?;
    let stub = namespace
        .id_from_name(&format!("{}:{}", site.id, client.address_key))
        .and_then(|id| id.get_stub())
        .map_err(unavailable)?;
    let ask = CapAsk {
        key: message_key.to_string(),
        limit: site.limits.handoffs_per_address,
        window_secs: site.limits.handoff_window_secs,
    };
    let body = serde_json::to_string(&ask).map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(body.into()));
    let request = Request::new_with_init("https://handoff-cap/take", &init).map_err(unavailable)?;
    let mut response = trips
        .wait(stub.fetch_with_request(request))
        .await
        .map_err(unavailable)?;
    let answer: CapAnswer = response.json().await.map_err(unavailable)?;
    if answer.allowed {
        Ok(())
    } else {
        Err(ApiError::HandoffLimit {
            retry_after_secs: answer.retry_after_secs.max(1),
        })
    }
}

/// One per site and client address: the times of its recent handoffs. Durable Objects handle
/// one event at a time and hold other events while storage is read or written, so the
/// read-decide-write below is exact under any concurrency.
#[durable_object]
pub struct HandoffCap {
    state: State,
}

impl DurableObject for HandoffCap {
    fn new(state: State, _env: Env) -> Self {
        HandoffCap { state }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let ask: CapAsk = match req.json().await {
            Ok(ask) => ask,
            Err(e) => return Response::error(format!("bad cap request: {e}"), 400),
        };
        let storage = self.state.storage();
        let mut entries: Vec<CapEntry> = storage.get("entries").await?.unwrap_or_default();
        let now = Date::now().as_millis() as i64;
        let decision = guard::take_handoff(&mut entries, &ask.key, ask.limit, ask.window_secs, now);
        storage.put("entries", &entries).await?;
        Response::from_json(&match decision {
            CapDecision::Allowed { remaining } => CapAnswer {
                allowed: true,
                remaining,
                retry_after_secs: 0,
            },
            CapDecision::Refused { retry_after_secs } => CapAnswer {
                allowed: false,
                remaining: 0,
                retry_after_secs,
            },
        })
    }
}

/// The Turnstile site key the widget should use, when the site asks for a challenge and its
/// key is set in this environment.
pub fn turnstile_site_key(env: &Env, site: &CompiledSite) -> Option<String> {
    site.turnstile
        .as_ref()?
        .site_key(|name| env.var(name).ok().map(|v| v.to_string()))
}

#[derive(Debug, Deserialize)]
struct SiteverifyAnswer {
    success: bool,
    #[serde(default, rename = "error-codes")]
    error_codes: Vec<String>,
}

/// Before a handoff on a site with Turnstile: the request must carry a token that has not been
/// spent before (Ferry keeps their digests) and that siteverify accepts.
pub async fn challenge(
    env: &Env,
    site: &CompiledSite,
    token: Option<&str>,
    client: &Client,
    now: i64,
    trips: &Trips,
) -> std::result::Result<(), ApiError> {
    let Some(config) = &site.turnstile else {
        return Ok(());
    };
    if turnstile_site_key(env, site).is_none() {
        return Ok(());
    }
    let Some(token) = token else {
        return Err(ApiError::ChallengeRequired);
    };
    let secret = env.secret(&config.secret).map(|s| s.to_string()).map_err(|_| {
        ApiError::Internal(format!(
            "site {}: Turnstile is on but the Worker secret {} is not set (wrangler secret put {})",
            site.id, config.secret, config.secret
        ))
    })?;
    let digest: String = Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if !trips
        .wait(store::claim_token(env, &site.id, &digest, now))
        .await?
    {
        return Err(ApiError::ChallengeFailed(
            "this challenge token was used before; solve a new challenge".into(),
        ));
    }
    let verify_url = env
        .var("TURNSTILE_VERIFY_URL")
        .map(|v| v.to_string())
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| SITEVERIFY_URL.to_string());
    let body = serde_json::json!({
        "secret": secret,
        "response": token,
        "remoteip": client.ip,
    });
    let unavailable = |e: worker::Error| ApiError::Unavailable {
        what: "the challenge check",
        detail: e.to_string(),
    };
    let headers = Headers::new();
    headers
        .set("content-type", "application/json")
        .map_err(unavailable)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(body.to_string().into()));
    let request = Request::new_with_init(&verify_url, &init).map_err(unavailable)?;
    let signal = AbortSignal::from(web_sys::AbortSignal::timeout_with_u32(
        SITEVERIFY_TIMEOUT_MS,
    ));
    let mut response = Fetch::Request(request)
        .send_with_signal(&signal)
        .await
        .map_err(unavailable)?;
    if response.status_code() >= 500 {
        return Err(ApiError::Unavailable {
            what: "the challenge check",
            detail: format!("siteverify answered {}", response.status_code()),
        });
    }
    let answer: SiteverifyAnswer = response.json().await.map_err(unavailable)?;
    if answer.success {
        Ok(())
    } else {
        Err(ApiError::ChallengeFailed(format!(
            "the challenge was not accepted ({}); solve a new one",
            if answer.error_codes.is_empty() {
                "no reason given".to_string()
            } else {
                answer.error_codes.join(", ")
            }
        )))
    }
}
