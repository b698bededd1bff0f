//! The DOM: the only module that touches it. Builds the chat panel inside the loader's
//! ShadowRoot, turns DOM events into [`Msg`]s, and brings the DOM in line with a [`Model`]
//! on every [`View::render`].
//!
//! Rules this module keeps:
//! - all shop, bot and shopper text goes in through `set_text_content`; no HTML parsing;
//! - no inline styles: the look is `panel.css`, adopted as a constructable stylesheet, and
//!   the shop's colours are a second adopted sheet of CSS custom properties;
//! - stable class names (`.ferry-panel`, `.ferry-log`, `.ferry-msg.ferry-shopper`, …) are the
//!   contract with the loader's CSS and with the end-to-end tests.
//!
//! Rendering is a small keyed diff: the log is append-mostly, so only entries that changed
//! (a message going from sending to sent) or are new touch the DOM.

use std::cell::RefCell;
use std::rc::Rc;

use ferry_shared::wire::{Colors, SiteStatus};
use js_sys::Array;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    CssStyleSheet, Document, Element, Event, HtmlElement, HtmlInputElement, KeyboardEvent,
    ShadowRoot,
};

use crate::browser;
use crate::i18n::Ui;
use crate::model::{ContactForm, Delivery, Entry, Focus, Model, Msg, Notice};
use crate::rich::{self, Block, Inline};

const PANEL_CSS: &str = include_str!("panel.css");
const SVG_NS: &str = "http://www.w3.org/2000/svg";
/// 24×24 icon paths: a close cross and a send arrow.
const ICON_CLOSE: &str = "M6 6l12 12M18 6L6 18";
const ICON_SEND: &str = "M4 12h15M13 6l6 6-6 6";

/// Where the view sends what the shopper did.
pub type Dispatch = Rc<dyn Fn(Msg)>;

#[wasm_bindgen(module = "/src/turnstile.js")]
extern "C" {
    #[wasm_bindgen(js_name = ferryChallenge)]
    fn ferry_challenge(el: &Element, site_key: &str, done: &JsValue);
}

pub struct View {
    root: ShadowRoot,
    doc: Document,
    panel: Element,
    title: Element,
    status: Element,
    status_text: Element,
    close: Element,
    log: Element,
    greeting: Element,
    typing: Element,
    notice: Element,
    notice_text: Element,
    retry: Element,
    chips: Element,
    challenge: Element,
    challenge_label: Element,
    challenge_box: Element,
    contact: Element,
    contact_prompt: Element,
    email_label: Element,
    email: HtmlInputElement,
    order_label: Element,
    order: HtmlInputElement,
    contact_error: Element,
    contact_send: Element,
    label: Element,
    input: HtmlInputElement,
    send: Element,
    badge: Option<Element>,
    brand_sheet: CssStyleSheet,
    state: RefCell<Rendered>,
    _listeners: Vec<Closure<dyn FnMut(Event)>>,
}

/// What the DOM currently shows, to diff the next model against.
#[derive(Default)]
struct Rendered {
    ui: Option<Rc<Ui>>,
    entries: Vec<Entry>,
    nodes: Vec<Element>,
    chips: Vec<String>,
    colors: Option<Colors>,
    title: String,
    /// The site status the header shows; its text is rewritten (and times formatted) only
    /// when this or the language changes.
    status: Option<Option<SiteStatus>>,
    greeting: Option<String>,
    notice: Option<Notice>,
    link_hosts: Vec<String>,
    contact: Option<(String, bool, ContactForm)>,
    unread: usize,
    ui_lang: &'static str,
}

impl View {
    /// Builds the (hidden) panel in `root` and wires its events to `dispatch`.
    pub fn new(root: &ShadowRoot, dispatch: Dispatch) -> Result<View, JsValue> {
        let doc = root
            .owner_document()
            .ok_or("ferry: the shadow root has no document")?;
        let el = |tag: &str, class: &str| -> Result<Element, JsValue> {
            let e = doc.create_element(tag)?;
            e.set_class_name(class);
            Ok(e)
        };

        let panel = el("section", "ferry-panel")?;
        panel.set_attribute("role", "dialog")?;
        panel.set_attribute("aria-labelledby", "ferry-title")?;
        panel.set_attribute("hidden", "")?;

        let header = el("header", "ferry-header")?;
        let heading = el("div", "ferry-heading")?;
        let title = el("h2", "ferry-title")?;
        title.set_id("ferry-title");
        let status = el("p", "ferry-status")?;
        status.set_attribute("hidden", "")?;
        let dot = el("span", "ferry-status-dot")?;
        dot.set_attribute("aria-hidden", "true")?;
        let status_text = el("span", "ferry-status-text")?;
        status.append_child(&dot)?;
        status.append_child(&status_text)?;
        heading.append_child(&title)?;
        heading.append_child(&status)?;
        let close = el("button", "ferry-close")?;
        close.set_attribute("type", "button")?;
        let close_icon = icon(&doc, ICON_CLOSE)?;
        close.append_child(&close_icon)?;
        header.append_child(&heading)?;
        header.append_child(&close)?;

        let log = el("div", "ferry-log")?;
        log.set_attribute("role", "log")?;
        log.set_attribute("aria-live", "polite")?;
        log.set_attribute("tabindex", "0")?;
        let greeting = el("div", "ferry-msg ferry-bot ferry-greeting")?;
        greeting.set_attribute("hidden", "")?;
        let typing = el("div", "ferry-typing")?;
        typing.set_attribute("aria-hidden", "true")?;
        typing.set_attribute("hidden", "")?;
        for _ in 0..3 {
            let dot = el("span", "ferry-dot")?;
            typing.append_child(&dot)?;
        }
        log.append_child(&greeting)?;
        log.append_child(&typing)?;

        let notice = el("div", "ferry-error")?;
        notice.set_attribute("role", "alert")?;
        notice.set_attribute("hidden", "")?;
        let notice_text = el("span", "ferry-error-text")?;
        let retry = el("button", "ferry-retry")?;
        retry.set_attribute("type", "button")?;
        notice.append_child(&notice_text)?;
        notice.append_child(&retry)?;

        let chips = el("div", "ferry-chips")?;
        chips.set_attribute("role", "group")?;

        // Where Turnstile draws its check (only when it needs the shopper), under a label.
        let challenge = el("div", "ferry-challenge")?;
        challenge.set_attribute("role", "status")?;
        challenge.set_attribute("hidden", "")?;
        let challenge_label = el("p", "ferry-challenge-label")?;
        let challenge_box = el("div", "ferry-challenge-box")?;
        challenge.append_child(&challenge_label)?;
        challenge.append_child(&challenge_box)?;

        // The contact form after a handoff that asks where to reply. `novalidate`: the model
        // validates, so the message is in the panel's language, not the browser's.
        let contact = el("form", "ferry-contact")?;
        contact.set_attribute("hidden", "")?;
        contact.set_attribute("novalidate", "")?;
        contact.set_attribute("aria-describedby", "ferry-contact-prompt")?;
        let contact_prompt = el("p", "ferry-contact-prompt")?;
        contact_prompt.set_id("ferry-contact-prompt");
        let field = |id: &str,
                     kind: &str,
                     autocomplete: &str|
         -> Result<(Element, HtmlInputElement), JsValue> {
            let label = el("label", "ferry-field-label")?;
            label.set_attribute("for", id)?;
            let input: HtmlInputElement = el("input", "ferry-field")?.unchecked_into();
            input.set_id(id);
            input.set_type(kind);
            input.set_autocomplete(autocomplete);
            input.set_max_length(120);
            Ok((label, input))
        };
        let (email_label, email) = field("ferry-email", "email", "email")?;
        // Addresses and order numbers are Latin script: left to right even in an RTL panel.
        email.set_attribute("dir", "ltr")?;
        email.set_required(true);
        email.set_attribute("aria-describedby", "ferry-contact-error")?;
        email.set_placeholder("name@example.com");
        let (order_label, order) = field("ferry-order", "text", "off")?;
        order.set_attribute("dir", "ltr")?;
        let contact_error = el("p", "ferry-contact-error")?;
        contact_error.set_id("ferry-contact-error");
        contact_error.set_attribute("role", "alert")?;
        let contact_send = el("button", "ferry-contact-send")?;
        contact_send.set_attribute("type", "submit")?;
        for part in [
            &contact_prompt,
            &email_label,
            &email,
            &order_label,
            &order,
            &contact_error,
            &contact_send,
        ] {
            contact.append_child(part)?;
        }

        let form = el("form", "ferry-form")?;
        let label = el("label", "ferry-sr")?;
        label.set_attribute("for", "ferry-input")?;
        let input: HtmlInputElement = el("input", "ferry-input")?.unchecked_into();
        input.set_id("ferry-input");
        input.set_type("text");
        input.set_max_length(ferry_shared::wire::MAX_TEXT_CHARS as i32);
        input.set_autocomplete("off");
        input.set_attribute("enterkeyhint", "send")?;
        let send = el("button", "ferry-send")?;
        send.set_attribute("type", "submit")?;
        let send_icon = icon(&doc, ICON_SEND)?;
        send.append_child(&send_icon)?;
        form.append_child(&label)?;
        form.append_child(&input)?;
        form.append_child(&send)?;

        for part in [&header, &log, &contact, &notice, &chips, &challenge, &form] {
            panel.append_child(part)?;
        }
        root.append_child(&panel)?;

        // The panel's look, after the loader's sheets; the shop's colours, before them, so
        // that a `data-color` on the tag (a loader sheet) overrides the site config.
        let panel_sheet = CssStyleSheet::new()?;
        panel_sheet.replace_sync(PANEL_CSS)?;
        let brand_sheet = CssStyleSheet::new()?;
        let sheets = Array::new();
        sheets.push(&brand_sheet);
        for sheet in root.adopted_style_sheets().iter() {
            sheets.push(&sheet);
        }
        sheets.push(&panel_sheet);
        root.set_adopted_style_sheets(&sheets);

        let mut listeners = Vec::new();
        let mut on = |target: &Element, event: &str, handler: Box<dyn FnMut(Event)>| {
            let closure = Closure::wrap(handler);
            let added =
                target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
            listeners.push(closure);
            added
        };
        let d = dispatch.clone();
        on(
            &form,
            "submit",
            Box::new(move |e: Event| {
                e.prevent_default();
                d(Msg::Submit(browser::stamp()));
            }),
        )?;
        let d = dispatch.clone();
        on(
            &input,
            "input",
            Box::new(move |e: Event| {
                if let Some(input) = e
                    .target()
                    .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                {
                    d(Msg::Draft(input.value()));
                }
            }),
        )?;
        let d = dispatch.clone();
        on(
            &contact,
            "submit",
            Box::new(move |e: Event| {
                e.prevent_default();
                d(Msg::ContactSubmit);
            }),
        )?;
        for (input, to_msg) in [
            (&email, Msg::ContactEmail as fn(String) -> Msg),
            (&order, Msg::ContactOrder),
        ] {
            let d = dispatch.clone();
            on(
                input,
                "input",
                Box::new(move |e: Event| {
                    if let Some(input) = e
                        .target()
                        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                    {
                        d(to_msg(input.value()));
                    }
                }),
            )?;
        }
        let d = dispatch.clone();
        on(&close, "click", Box::new(move |_| d(Msg::Close)))?;
        let d = dispatch.clone();
        on(&retry, "click", Box::new(move |_| d(Msg::Retry)))?;
        let d = dispatch.clone();
        on(
            &chips,
            "click",
            Box::new(move |e: Event| {
                let chip = e
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .and_then(|t| t.closest(".ferry-chip").ok().flatten());
                if let Some(text) = chip.and_then(|c| c.text_content()) {
                    d(Msg::QuickReply(text, browser::stamp()));
                }
            }),
        )?;
        let d = dispatch;
        on(
            &panel,
            "keydown",
            Box::new(move |e: Event| {
                if e.dyn_ref::<KeyboardEvent>()
                    .is_some_and(|k| k.key() == "Escape")
                {
                    d(Msg::Close);
                }
            }),
        )?;

        // The unread badge lives on the loader's launcher.
        let badge = match root.query_selector(".ferry-launcher")? {
            Some(launcher) => {
                let badge = el("span", "ferry-badge")?;
                badge.set_attribute("aria-hidden", "true")?;
                badge.set_attribute("hidden", "")?;
                launcher.append_child(&badge)?;
                Some(badge)
            }
            None => None,
        };

        Ok(View {
            root: root.clone(),
            doc,
            panel,
            title,
            status,
            status_text,
            close,
            log,
            greeting,
            typing,
            notice,
            notice_text,
            retry,
            chips,
            challenge,
            challenge_label,
            challenge_box,
            contact,
            contact_prompt,
            email_label,
            email,
            order_label,
            order,
            contact_error,
            contact_send,
            label,
            input,
            send,
            badge,
            brand_sheet,
            state: RefCell::new(Rendered::default()),
            _listeners: listeners,
        })
    }

    /// Brings the DOM in line with `model`.
    pub fn render(&self, model: &Model) -> Result<(), JsValue> {
        let mut state = self.state.borrow_mut();
        let ui = &model.ui;
        let settings = model.settings();

        let link_hosts = settings.map_or(&[][..], |s| s.link_hosts.as_slice());
        let ui_changed = !state.ui.as_ref().is_some_and(|shown| Rc::ptr_eq(shown, ui));
        if ui_changed || state.link_hosts != link_hosts {
            if ui_changed {
                self.apply_ui(ui)?;
                self.panel.set_attribute("lang", model.ui_lang)?;
                self.panel
                    .set_attribute("dir", if model.rtl() { "rtl" } else { "ltr" })?;
                state.ui = Some(ui.clone());
                state.ui_lang = model.ui_lang;
                state.status = None;
                state.unread = usize::MAX;
                state.contact = None;
            }
            // Ticket lines are worded per language; links depend on the allowed hosts.
            state.link_hosts = link_hosts.to_vec();
            state.entries.clear();
            for node in state.nodes.drain(..) {
                node.remove();
            }
        }

        let status = settings.and_then(|s| s.status);
        if state.status != Some(status) {
            let line = status_line(model);
            self.status_text.set_text_content(Some(&line));
            self.status
                .toggle_attribute_with_force("hidden", line.is_empty())?;
            let away = status.is_some_and(|s| !s.open);
            self.status.set_class_name(if away {
                "ferry-status ferry-away"
            } else {
                "ferry-status"
            });
            state.status = Some(status);
        }

        // Text is only rewritten when it changes: live regions announce every rewrite.
        let title = settings.map_or(ui.title.as_str(), |s| s.shop_name.as_str());
        if state.title != title {
            self.title.set_text_content(Some(title));
            state.title = title.to_string();
        }
        let colors = settings.map(|s| &s.colors);
        if colors != state.colors.as_ref() {
            self.brand_sheet
                .replace_sync(&colors.map(brand_css).unwrap_or_default())?;
            state.colors = colors.cloned();
        }

        let greeting = settings.and_then(|s| s.greeting.as_ref());
        if greeting != state.greeting.as_ref() {
            self.greeting.set_text_content(greeting.map(String::as_str));
            self.greeting
                .toggle_attribute_with_force("hidden", greeting.is_none())?;
            state.greeting = greeting.cloned();
        }

        let grew = self.render_entries(&mut state, model)?;
        let sending = model.sending();
        let typing_was_hidden = self.typing.has_attribute("hidden");
        self.typing
            .toggle_attribute_with_force("hidden", !sending)?;
        self.log
            .set_attribute("aria-busy", if sending { "true" } else { "false" })?;

        // A message held back by the handoff limit is news, not an error: a calmer colour.
        self.notice.set_class_name(if model.held {
            "ferry-error ferry-calm"
        } else {
            "ferry-error"
        });
        if model.notice != state.notice {
            match &model.notice {
                Some(notice) => {
                    self.notice_text.set_text_content(Some(&notice.text));
                    self.retry
                        .toggle_attribute_with_force("hidden", !notice.retry)?;
                    self.notice.remove_attribute("hidden")?;
                }
                None => self.notice.set_attribute("hidden", "")?,
            }
            state.notice = model.notice.clone();
        }

        let chips = model.chips();
        if chips != state.chips.as_slice() {
            self.chips.replace_children_with_node_0();
            for text in chips {
                let chip = self.doc.create_element("button")?;
                chip.set_class_name("ferry-chip");
                chip.set_attribute("type", "button")?;
                chip.set_text_content(Some(text));
                self.chips.append_child(&chip)?;
            }
            self.chips
                .toggle_attribute_with_force("hidden", chips.is_empty())?;
            state.chips = chips.to_vec();
        }

        self.challenge
            .toggle_attribute_with_force("hidden", model.challenge.is_none())?;

        if self.input.value() != model.draft {
            self.input.set_value(&model.draft);
        }

        let form_was_hidden = self.contact.has_attribute("hidden");
        self.render_contact(&mut state, model)?;
        let form_appeared = form_was_hidden && !self.contact.has_attribute("hidden");

        if state.unread != model.unread {
            if let Some(badge) = &self.badge {
                badge.set_text_content(Some(&model.unread.min(99).to_string()));
                badge.toggle_attribute_with_force("hidden", model.unread == 0)?;
            }
            if let Some(launcher) = self.launcher() {
                let label = match model.unread {
                    0 => ui.open_chat.to_string(),
                    n => format!("{} ({})", ui.open_chat, ui.unread(n)),
                };
                launcher.set_attribute("aria-label", &label)?;
            }
            state.unread = model.unread;
        }

        let opened = model.open && self.panel.has_attribute("hidden");
        self.panel
            .toggle_attribute_with_force("hidden", !model.open)?;
        if let Some(launcher) = self.launcher() {
            launcher.set_attribute("aria-expanded", if model.open { "true" } else { "false" })?;
        }
        // Last, once everything that changes the log's height (the notice, chips, the contact
        // form, the panel itself) is in place: keep the newest line in view.
        if grew || opened || form_appeared || (sending && typing_was_hidden) {
            self.log.set_scroll_top(self.log.scroll_height());
        }
        Ok(())
    }

    /// Shows, hides and fills the contact form.
    fn render_contact(&self, state: &mut Rendered, model: &Model) -> Result<(), JsValue> {
        let wanted = model
            .contact_wanted()
            .map(|(ticket, order)| (ticket.to_string(), order, model.contact.clone()));
        if wanted == state.contact {
            return Ok(());
        }
        self.contact
            .toggle_attribute_with_force("hidden", wanted.is_none())?;
        if let Some((_, ask_order, form)) = &wanted {
            if self.email.value() != form.email {
                self.email.set_value(&form.email);
            }
            if self.order.value() != form.order {
                self.order.set_value(&form.order);
            }
            self.order_label
                .toggle_attribute_with_force("hidden", !ask_order)?;
            self.order
                .toggle_attribute_with_force("hidden", !ask_order)?;
            self.contact_error.set_text_content(form.error.as_deref());
            self.contact_error
                .toggle_attribute_with_force("hidden", form.error.is_none())?;
            self.email.set_attribute(
                "aria-invalid",
                if form.error.is_some() {
                    "true"
                } else {
                    "false"
                },
            )?;
            self.contact_send
                .toggle_attribute_with_force("disabled", form.sending)?;
        }
        state.contact = wanted;
        Ok(())
    }

    /// Runs the Turnstile check in the panel (shown by the render that asked for it);
    /// `done(token)` is called once, with null if the check could not run or failed.
    pub fn challenge(&self, site_key: &str, done: &JsValue) {
        ferry_challenge(&self.challenge_box, site_key, done);
    }

    /// Moves keyboard focus.
    pub fn focus(&self, target: Focus) {
        let _ = match target {
            Focus::Input => self.input.focus(),
            Focus::Email => self.email.focus(),
            Focus::Launcher => self.launcher().map_or(Ok(()), |l| l.focus()),
        };
    }

    /// The loader's launcher button, if it drew one.
    fn launcher(&self) -> Option<HtmlElement> {
        self.root
            .query_selector(".ferry-launcher")
            .ok()
            .flatten()?
            .dyn_into()
            .ok()
    }

    fn apply_ui(&self, ui: &Ui) -> Result<(), JsValue> {
        self.close.set_attribute("aria-label", &ui.close)?;
        self.log.set_attribute("aria-label", &ui.log)?;
        self.typing.set_attribute("title", &ui.loading)?;
        self.retry.set_text_content(Some(&ui.retry));
        self.chips.set_attribute("aria-label", &ui.suggestions)?;
        self.challenge_label.set_text_content(Some(&ui.check));
        self.label.set_text_content(Some(&ui.input_label));
        self.input.set_placeholder(&ui.placeholder);
        self.send.set_attribute("aria-label", &ui.send)?;
        self.contact_prompt
            .set_text_content(Some(&ui.contact_prompt));
        self.email_label.set_text_content(Some(&ui.email_label));
        self.order_label.set_text_content(Some(&ui.order_label));
        self.contact_send.set_text_content(Some(&ui.contact_submit));
        Ok(())
    }

    /// Updates the log; returns whether entries were added.
    fn render_entries(&self, state: &mut Rendered, model: &Model) -> Result<bool, JsValue> {
        let entries = &model.entries;
        if state.entries == *entries {
            return Ok(false);
        }
        let common = state.entries.len().min(entries.len());
        let shown = state.entries.iter().zip(&mut state.nodes);
        for ((was, old), entry) in shown.zip(entries) {
            if was != entry {
                let node = self.entry_node(entry, model)?;
                old.replace_with_with_node_1(&node)?;
                *old = node;
            }
        }
        for node in state.nodes.drain(common..) {
            node.remove();
        }
        let grew = entries.len() > common;
        for entry in &entries[common..] {
            let node = self.entry_node(entry, model)?;
            self.log.insert_before(&node, Some(&self.typing))?;
            state.nodes.push(node);
        }
        state.entries.clone_from(entries);
        Ok(grew)
    }

    fn entry_node(&self, entry: &Entry, model: &Model) -> Result<Element, JsValue> {
        let node = self.doc.create_element("div")?;
        let hosts = model
            .settings()
            .map_or(&[][..], |s| s.link_hosts.as_slice());
        match entry {
            Entry::Shopper { text, state, .. } => {
                node.set_class_name(match state {
                    Delivery::Sending => "ferry-msg ferry-shopper ferry-sending",
                    Delivery::Sent => "ferry-msg ferry-shopper",
                    Delivery::Queued => "ferry-msg ferry-shopper ferry-queued",
                });
                node.set_text_content(Some(text));
            }
            Entry::Bot {
                text,
                links,
                language,
                ..
            } => {
                node.set_class_name("ferry-msg ferry-bot");
                self.reply_text(&node, text, language, hosts)?;
                let links: Vec<_> = links
                    .iter()
                    .filter(|l| ferry_shared::markup::allowed(&l.url, hosts))
                    .collect();
                if !links.is_empty() {
                    let row = self.doc.create_element("p")?;
                    row.set_class_name("ferry-links");
                    for link in links {
                        let a = self.link(&link.label, &link.url)?;
                        row.append_child(&a)?;
                    }
                    node.append_child(&row)?;
                }
            }
            Entry::Handoff {
                text,
                ticket,
                reply_by,
                language,
                away,
                ..
            } => {
                node.set_class_name(if away.is_some() {
                    "ferry-msg ferry-bot ferry-handoff ferry-away"
                } else {
                    "ferry-msg ferry-bot ferry-handoff"
                });
                self.reply_text(&node, text, language, hosts)?;
                let when = browser::format_time(*reply_by, model.client.locale.as_deref());
                let line = format!(
                    "{} {ticket} · {} {when}",
                    model.ui.ticket, model.ui.reply_by
                );
                let ticket_line = self.paragraph("ferry-ticket", &line)?;
                node.append_child(&ticket_line)?;
            }
            Entry::Contact { text, .. } => {
                node.set_class_name("ferry-msg ferry-bot ferry-contact-saved");
                let p = self.paragraph("ferry-text", text)?;
                node.append_child(&p)?;
            }
        }
        Ok(node)
    }

    /// A reply's text, with its markup (paragraphs, steps, bold, links) as DOM nodes, marked
    /// with its language (for screen readers, hyphenation, fonts).
    fn reply_text(
        &self,
        node: &Element,
        text: &str,
        language: &str,
        hosts: &[String],
    ) -> Result<(), JsValue> {
        if !language.is_empty() {
            node.set_attribute("lang", language)?;
        }
        for block in rich::parse(text, hosts) {
            let element = match block {
                Block::Paragraph(inlines) => {
                    let p = self.doc.create_element("p")?;
                    p.set_class_name("ferry-text");
                    self.inlines(&p, &inlines)?;
                    p
                }
                Block::Steps(items) => self.list("ol", &items)?,
                Block::Bullets(items) => self.list("ul", &items)?,
            };
            node.append_child(&element)?;
        }
        Ok(())
    }

    fn list(&self, tag: &str, items: &[Vec<Inline>]) -> Result<Element, JsValue> {
        let list = self.doc.create_element(tag)?;
        list.set_class_name("ferry-list");
        for item in items {
            let li = self.doc.create_element("li")?;
            self.inlines(&li, item)?;
            list.append_child(&li)?;
        }
        Ok(list)
    }

    fn inlines(&self, parent: &Element, inlines: &[Inline]) -> Result<(), JsValue> {
        for inline in inlines {
            match inline {
                Inline::Text(text) => {
                    parent.append_child(&self.doc.create_text_node(text))?;
                }
                Inline::Bold(text) => {
                    let strong = self.doc.create_element("strong")?;
                    strong.set_text_content(Some(text));
                    parent.append_child(&strong)?;
                }
                Inline::Link { label, url } => {
                    let a = self.link(label, url)?;
                    parent.append_child(&a)?;
                }
            }
        }
        Ok(())
    }

    /// A link out of the panel: new tab, no opener, no referrer.
    fn link(&self, label: &str, url: &str) -> Result<Element, JsValue> {
        let a = self.doc.create_element("a")?;
        a.set_class_name("ferry-link");
        a.set_attribute("href", url)?;
        a.set_attribute("target", "_blank")?;
        a.set_attribute("rel", "noopener noreferrer")?;
        a.set_text_content(Some(label));
        Ok(a)
    }

    fn paragraph(&self, class: &str, text: &str) -> Result<Element, JsValue> {
        let p = self.doc.create_element("p")?;
        p.set_class_name(class);
        p.set_text_content(Some(text));
        Ok(p)
    }
}

/// The header's second line: online and the usual reply time, or away and when back.
fn status_line(model: &Model) -> String {
    let ui = &model.ui;
    match model.settings().and_then(|s| s.status) {
        None => String::new(),
        Some(status) => match status.away {
            Some(away) if !status.open => {
                let when = browser::format_time(away.opens_at, model.client.locale.as_deref());
                format!("{} · {}", ui.away, ui.back_at(&when))
            }
            _ => format!(
                "{} · {}",
                ui.online,
                ui.replies_within(status.reply_within_hours)
            ),
        },
    }
}

/// A decorative 24×24 stroke icon, built as SVG nodes.
fn icon(doc: &Document, path: &str) -> Result<Element, JsValue> {
    let svg = doc.create_element_ns(Some(SVG_NS), "svg")?;
    svg.set_attribute("viewBox", "0 0 24 24")?;
    svg.set_attribute("aria-hidden", "true")?;
    svg.set_attribute("focusable", "false")?;
    let p = doc.create_element_ns(Some(SVG_NS), "path")?;
    p.set_attribute("d", path)?;
    svg.append_child(&p)?;
    Ok(svg)
}

/// The shop's colours as custom properties on the host. Values that could break out of the
/// declaration are dropped (the page then keeps the default teal).
fn brand_css(colors: &Colors) -> String {
    let safe = |v: &str| {
        !v.is_empty()
            && v.len() <= 64
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b" #(),.%+-/".contains(&b))
    };
    let mut css = String::from(":host{");
    if safe(&colors.brand) {
        css.push_str("--ferry-brand:");
        css.push_str(&colors.brand);
        css.push(';');
    }
    if safe(&colors.on_brand) {
        css.push_str("--ferry-on-brand:");
        css.push_str(&colors.on_brand);
        css.push(';');
    }
    css.push('}');
    css
}
