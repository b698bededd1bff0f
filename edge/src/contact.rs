//! `POST /v1/contact`: the shopper's email (and order number) for a handoff that asked for
//! it. The handoff is released to the team at once; if it had already gone out without an
//! email, it is delivered again with the contact, under a new webhook id.

use ferry_shared::status::HandoffStatus;
use ferry_shared::wire::{ContactRequest, ContactResponse, WIRE_VERSION};
use worker::{Date, Env};

use crate::delivery;
use crate::error::{ApiError, parse_json};
use crate::sites::site_or_error;
use crate::store;

pub async fn handle(body: &[u8], env: &Env) -> Result<ContactResponse, ApiError> {
    let mut req: ContactRequest = parse_json(body, "a JSON contact request")?;
    req.validate()?;
    // Card numbers are masked before anything is stored, queued or sent.
    req.mask();
    let site = site_or_error(&req.site)?;
    let stored = store::handoff_by_ticket(env, &site.id, &req.conversation_id, &req.ticket)
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "ticket {} in conversation {}",
                req.ticket, req.conversation_id
            ))
        })?;
    let now = Date::now().as_millis() as i64;
    let mut payload = stored.payload;
    let contact = payload.contact.get_or_insert_with(Default::default);
    contact.email = req.contact.email.clone();
    if req.contact.name.is_some() {
        contact.name = req.contact.name.clone();
    }
    if req.contact.order_number.is_some() {
        contact.order_number = req.contact.order_number.clone();
    }
    store::set_contact(env, &payload, now).await?;
    let unavailable = |e: worker::Error| ApiError::Unavailable {
        what: "the handoff queue",
        detail: e.to_string(),
    };
    let released = stored.status == HandoffStatus::AwaitingContact
        && delivery::release(env, &payload.id)
            .await
            .map_err(unavailable)?;
    if !released {
        // Already with the team: send it again with the contact, as an update.
        let webhook_id = format!("{}_contact_{now}", payload.id);
        delivery::enqueue_update(env, &payload.id, &webhook_id)
            .await
            .map_err(unavailable)?;
    }
    let text = site
        .contact_thanks(
            &payload.language.code,
            payload.reply_by,
            now,
            payload.time_zone.as_deref(),
        )
        .unwrap_or_default();
    Ok(ContactResponse {
        v: WIRE_VERSION,
        ticket: payload.ticket,
        text,
    })
}
