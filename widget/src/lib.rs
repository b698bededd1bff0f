//! Ferry's storefront chat panel, compiled to WebAssembly and started by the loader
//! (`loader/ferry.js`) on the shopper's first click.
//!
//! This file is the runtime and the JS API; it owns no decisions and no DOM:
//! - [`model`]: state, messages and `update` (pure, unit-tested natively);
//! - [`view`]: the DOM inside the loader's ShadowRoot;
//! - [`net`]: `fetch` to the edge; [`decode`]: its JSON into the wire types, [`encode`]:
//!   the requests and the stored log as JSON;
//!   [`storage`]: `localStorage`; [`browser`]: ids, locale, time zone and time formatting;
//!   [`i18n`]: the panel's own words; [`rich`]: the markup of answers.
//!
//! The loop: a DOM event or a network result becomes a [`Msg`]; [`update`] changes the model
//! and returns [`Cmd`]s; the view re-renders; the runtime performs the commands, whose
//! results are new messages. Messages raised while one is being handled are queued, so the
//! model is never borrowed twice.
//!
//! JS API (ES module produced by `wasm-bindgen --target web`), called by the loader, which
//! owns `window.Ferry`, queues calls made before the module is ready and keeps the page's
//! `Ferry.on` listeners:
//! - `mount(shadowRoot, apiOrigin, site, lang?, emit?, open?)`: builds the panel (opened if
//!   `open`) and starts loading the site config. `emit(name, detail)` is called for `open`,
//!   `close`, `message` and `handoff`.
//! - `open()`, `close()`, `toggle()`, `send(text)`, `identify({email, name})` (no-ops before
//!   `mount`).

// The page's one thread is the only one: the single-threaded free-list allocator is sound.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
#[allow(unsafe_code)]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: wasm32-unknown-unknown without the atomics feature runs on one thread.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

pub mod browser;
pub mod decode;
pub mod encode;
pub mod i18n;
pub mod json;
pub mod model;
pub mod net;
pub mod rich;
pub mod storage;
pub mod view;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use ferry_shared::wire::Contact;
use js_sys::{Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::ShadowRoot;

use crate::i18n::{Tables, Ui};
use crate::model::{Cmd, Event, Model, Msg, is_id, ui_code, update};
use crate::view::View;

struct App {
    /// The edge's origin, without a trailing slash.
    api: String,
    model: RefCell<Model>,
    view: View,
    queue: RefCell<VecDeque<Msg>>,
    busy: Cell<bool>,
    /// The loader's `emit(name, detail)`, which calls the page's `Ferry.on` listeners.
    emit: Option<Function>,
    _online: Vec<Closure<dyn FnMut()>>,
}

thread_local! {
    static APP: RefCell<Option<Rc<App>>> = const { RefCell::new(None) };
}

fn app() -> Option<Rc<App>> {
    APP.with(|app| app.borrow().clone())
}

/// Feeds `msg` to the mounted widget; dropped if there is none.
fn dispatch(msg: Msg) {
    if let Some(app) = app() {
        app.dispatch(msg);
    }
}

impl App {
    fn dispatch(&self, msg: Msg) {
        self.queue.borrow_mut().push_back(msg);
        if self.busy.replace(true) {
            return; // the loop below, further up the stack, will get to it
        }
        loop {
            let Some(msg) = self.queue.borrow_mut().pop_front() else {
                break;
            };
            let cmds = update(&mut self.model.borrow_mut(), msg);
            // A DOM call can only fail on a detached or foreign node; the next render
            // starts from the same model, so there is nothing better to do than go on.
            let _ = self.view.render(&self.model.borrow());
            for cmd in cmds {
                self.run(cmd);
            }
        }
        self.busy.set(false);
    }

    fn site(&self) -> String {
        self.model.borrow().site.clone()
    }

    fn run(&self, cmd: Cmd) {
        match cmd {
            Cmd::FetchConfig => {
                net::config(
                    &self.api,
                    &self.site(),
                    Box::new(|r| dispatch(config_msg(r))),
                );
            }
            Cmd::Send(request) => {
                let id = request.client_message_id.clone();
                let locale = self.model.borrow().client.locale.clone();
                net::chat(
                    &self.api,
                    &request,
                    Box::new(move |result| {
                        dispatch(match result {
                            Ok(response) => Msg::Replied(response),
                            Err(failure) => {
                                let retry_at = match &failure {
                                    model::Failure::Http {
                                        retry_after_secs: Some(secs),
                                        ..
                                    } => Some(browser::format_time(
                                        js_sys::Date::now() as i64 + i64::from(*secs) * 1000,
                                        locale.as_deref(),
                                    )),
                                    _ => None,
                                };
                                Msg::SendFailed {
                                    client_message_id: id,
                                    failure,
                                    retry_at,
                                }
                            }
                        });
                    }),
                );
            }
            Cmd::Challenge { site_key } => {
                let done = Closure::once_into_js(|token: Option<String>| {
                    dispatch(token.map_or(Msg::ChallengeFailed, Msg::ChallengeSolved));
                });
                self.view.challenge(&site_key, &done);
            }
            Cmd::SendContact(request) => {
                net::contact(
                    &self.api,
                    &request,
                    Box::new(|result| {
                        dispatch(match result {
                            Ok(response) => Msg::ContactSaved(response),
                            Err(failure) => Msg::ContactFailed(failure),
                        });
                    }),
                );
            }
            Cmd::Save(entries) => storage::save_log(&self.site(), &entries),
            Cmd::Focus(target) => self.view.focus(target),
            Cmd::RetryLater { ms, generation } => {
                if let Some(window) = web_sys::window() {
                    let retry = Closure::once_into_js(move || dispatch(Msg::RetryDue(generation)));
                    let ms = i32::try_from(ms).unwrap_or(i32::MAX);
                    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                        retry.unchecked_ref(),
                        ms,
                    );
                }
            }
            Cmd::Emit(event) => {
                if let Some(emit) = &self.emit {
                    // A listener that throws is the page's problem, not the widget's.
                    let _ = emit.call2(&JsValue::NULL, &event.name().into(), &detail(&event));
                }
            }
            Cmd::Warn(text) => web_sys::console::warn_1(&text.into()),
            Cmd::LoadUi(code) => net::ui_table(
                code,
                Box::new(move |table| {
                    dispatch(match table {
                        Ok(table) => Msg::UiLoaded(Box::new(table)),
                        Err(_) => Msg::UiFailed(code),
                    });
                }),
            ),
        }
    }
}

/// The object a `Ferry.on` listener receives.
fn detail(event: &Event) -> JsValue {
    let object = Object::new();
    let set = |key: &str, value: JsValue| {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &key.into(), &value);
    };
    match event {
        Event::Open | Event::Close => {}
        Event::Message {
            from,
            text,
            language,
        } => {
            set("from", (*from).into());
            set("text", text.into());
            if !language.is_empty() {
                set("language", language.into());
            }
        }
        Event::Handoff { ticket, reply_by } => {
            set("ticket", ticket.into());
            set(
                "replyBy",
                js_sys::Date::new(&(*reply_by as f64).into()).into(),
            );
        }
    }
    object.into()
}

fn config_msg(result: Result<ferry_shared::wire::WidgetConfig, model::Failure>) -> Msg {
    match result {
        Ok(config) => Msg::ConfigLoaded(config),
        Err(failure) => Msg::ConfigFailed(failure),
    }
}

/// Builds the chat panel inside `root` (the loader's open ShadowRoot), opens it (if `open`)
/// and focuses the input, and starts loading the site config from `api_origin`. `lang`
/// overrides the browser language (`data-lang`); `emit(name, detail)` hears the widget's
/// events.
///
/// When the panel speaks a language other than English, its words are fetched first
/// (`i18n/<code>.json` beside the module; English if that fails) and `mount` returns a
/// promise that resolves once the panel is built: the loader waits for it, queueing calls.
///
/// Throws only if the panel cannot be built at all (no usable `crypto`, a bad `site`); the
/// loader then shows its email fallback.
#[wasm_bindgen]
pub fn mount(
    root: ShadowRoot,
    api_origin: String,
    site: String,
    lang: Option<String>,
    emit: Option<Function>,
    open: Option<bool>,
) -> Result<JsValue, JsValue> {
    let open = open.unwrap_or(true);
    if app().is_some() {
        if open {
            dispatch(Msg::Open);
        }
        return Ok(JsValue::UNDEFINED);
    }
    if !is_id(&site) {
        return Err(JsValue::from_str(
            "ferry: data-site must be 1 to 64 ASCII letters, digits, `-` or `_`",
        ));
    }
    let conversation_id = storage::conversation_id(&site);
    if !is_id(&conversation_id) {
        return Err(JsValue::from_str(
            "ferry: this browser has no crypto random source",
        ));
    }
    let client = browser::client();
    let requested_lang = lang
        .filter(|l| !l.trim().is_empty())
        .or_else(|| client.locale.clone())
        .unwrap_or_default();
    let tables = Tables::new(Ui::english());
    let start = Start {
        root,
        api: api_origin.trim_end_matches('/').to_string(),
        site,
        conversation_id,
        requested_lang,
        client,
        emit,
        open,
    };
    let code = match ui_code(&start.requested_lang) {
        Some(code) if tables.get(code).is_none() => code,
        _ => return start.run(tables).map(|()| JsValue::UNDEFINED),
    };
    let mut start = Some((start, tables));
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let Some((start, mut tables)) = start.take() else {
            return;
        };
        net::ui_table(
            code,
            Box::new(move |table| {
                if let Ok(table) = table {
                    tables.add(table);
                }
                let _ = match start.run(tables) {
                    Ok(()) => resolve.call0(&JsValue::NULL),
                    Err(error) => reject.call1(&JsValue::NULL, &error),
                };
            }),
        );
    });
    Ok(promise.into())
}

/// What `mount` builds the panel from.
struct Start {
    root: ShadowRoot,
    api: String,
    site: String,
    conversation_id: String,
    requested_lang: String,
    client: model::Client,
    emit: Option<Function>,
    open: bool,
}

impl Start {
    fn run(self, tables: Tables) -> Result<(), JsValue> {
        let entries = storage::load_log(&self.site);
        let model = Model::new(
            self.site,
            self.conversation_id,
            &self.requested_lang,
            self.client,
            entries,
            tables,
        );
        let view = View::new(&self.root, Rc::new(dispatch))?;
        let app = Rc::new(App {
            api: self.api,
            model: RefCell::new(model),
            view,
            queue: RefCell::new(VecDeque::new()),
            busy: Cell::new(false),
            emit: self.emit,
            _online: connectivity_listeners(),
        });
        APP.with(|slot| *slot.borrow_mut() = Some(app.clone()));
        app.view.render(&app.model.borrow())?;
        if self.open {
            app.dispatch(Msg::Open);
        }
        // Messages left unsent by the previous page go now, or when the network is back.
        app.dispatch(if browser::online() {
            Msg::Online
        } else {
            Msg::Offline
        });
        app.run(Cmd::FetchConfig);
        Ok(())
    }
}

/// `online` / `offline` on the window become [`Msg::Online`] / [`Msg::Offline`].
fn connectivity_listeners() -> Vec<Closure<dyn FnMut()>> {
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    [("online", Msg::Online), ("offline", Msg::Offline)]
        .into_iter()
        .map(|(name, msg)| {
            let listener = Closure::<dyn FnMut()>::new(move || dispatch(msg.clone()));
            let _ =
                window.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
            listener
        })
        .collect()
}

/// Shows the panel and focuses its input.
#[wasm_bindgen]
pub fn open() {
    dispatch(Msg::Open);
}

/// Hides the panel and returns focus to the launcher.
#[wasm_bindgen]
pub fn close() {
    dispatch(Msg::Close);
}

/// Shows the panel if hidden, hides it if shown.
#[wasm_bindgen]
pub fn toggle() {
    dispatch(Msg::Toggle);
}

/// Sends `text` as the shopper (`Ferry.send`), as if typed; the panel need not be open.
#[wasm_bindgen]
pub fn send(text: String) {
    dispatch(Msg::Say(text, browser::stamp()));
}

/// `Ferry.identify({email, name})`: who the shopper is, sent with their messages, so a
/// handoff does not ask for the email. Invalid values are ignored with a console warning.
#[wasm_bindgen]
pub fn identify(who: JsValue) {
    let field = |key: &str| {
        Reflect::get(&who, &key.into())
            .ok()
            .and_then(|v| v.as_string())
    };
    dispatch(Msg::Identify(Contact {
        email: field("email"),
        name: field("name"),
        order_number: None,
    }));
}
