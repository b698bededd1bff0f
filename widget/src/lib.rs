//! Ferry's storefront chat panel, compiled to WebAssembly and started by the loader
//! (`loader/ferry.js`) on the shopper's first click.
//!
//! This file is the runtime and the JS API; it owns no decisions and no DOM:
//! - [`model`]: state, messages and `update` (pure, unit-tested natively);
//! - [`view`]: the DOM inside the loader's ShadowRoot;
//! - [`net`]: `fetch` to the edge; [`decode`]: its JSON into the wire types;
//!   [`storage`]: `localStorage`; [`browser`]: ids, locale, time zone and time formatting;
//!   [`i18n`]: the panel's own words.
//!
//! The loop: a DOM event or a network result becomes a [`Msg`]; [`update`] changes the model
//! and returns [`Cmd`]s; the view re-renders; the runtime performs the commands, whose
//! results are new messages. Messages raised while one is being handled are queued, so the
//! model is never borrowed twice.
//!
//! JS API (ES module produced by `wasm-bindgen --target web`):
//! - `mount(shadowRoot, apiOrigin, site, lang?) -> Promise<void>`: builds and opens the panel,
//!   then resolves once the site config has loaded or its error is shown. Calling it again
//!   only opens the panel.
//! - `open()`, `close()`, `toggle()`: show or hide the panel (no-ops before `mount`).

pub mod browser;
pub mod decode;
pub mod i18n;
pub mod model;
pub mod net;
pub mod storage;
pub mod view;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::ShadowRoot;

use crate::model::{Cmd, Model, Msg, is_id, update};
use crate::view::View;

struct App {
    /// The edge's origin, without a trailing slash.
    api: String,
    model: RefCell<Model>,
    view: View,
    queue: RefCell<VecDeque<Msg>>,
    busy: Cell<bool>,
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
                let (api, site) = (self.api.clone(), self.site());
                wasm_bindgen_futures::spawn_local(async move {
                    dispatch(config_msg(net::config(&api, &site).await));
                });
            }
            Cmd::Send(request) => {
                let api = self.api.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let msg = match net::chat(&api, &request).await {
                        Ok(response) => Msg::Replied(response),
                        Err(failure) => Msg::SendFailed {
                            client_message_id: request.client_message_id,
                            failure,
                        },
                    };
                    dispatch(msg);
                });
            }
            Cmd::Save(entries) => storage::save_log(&self.site(), &entries),
            Cmd::Focus(target) => self.view.focus(target),
            Cmd::RetryLater(ms) => {
                if let Some(window) = web_sys::window() {
                    let retry = Closure::once_into_js(|| dispatch(Msg::Retry));
                    let ms = i32::try_from(ms).unwrap_or(i32::MAX);
                    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                        retry.unchecked_ref(),
                        ms,
                    );
                }
            }
        }
    }
}

fn config_msg(result: Result<ferry_shared::wire::WidgetConfig, model::Failure>) -> Msg {
    match result {
        Ok(config) => Msg::ConfigLoaded(config),
        Err(failure) => Msg::ConfigFailed(failure),
    }
}

/// Builds the chat panel inside `root` (the loader's open ShadowRoot), opens it and focuses
/// the input, then loads the site config from `api_origin`. Resolves when the config has
/// loaded or its error is on screen. `lang` overrides the browser language (`data-lang`).
///
/// Rejects only if the panel cannot be built at all (no usable `crypto`, a bad `site`);
/// the loader then shows its email fallback.
#[wasm_bindgen]
pub async fn mount(
    root: ShadowRoot,
    api_origin: String,
    site: String,
    lang: Option<String>,
) -> Result<(), JsValue> {
    if app().is_some() {
        dispatch(Msg::Open);
        return Ok(());
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
    let entries = storage::load_log(&site);
    let model = Model::new(site, conversation_id, &requested_lang, client, entries);
    let view = View::new(&root, Rc::new(dispatch))?;
    let app = Rc::new(App {
        api: api_origin.trim_end_matches('/').to_string(),
        model: RefCell::new(model),
        view,
        queue: RefCell::new(VecDeque::new()),
        busy: Cell::new(false),
    });
    APP.with(|slot| *slot.borrow_mut() = Some(app.clone()));
    app.view.render(&app.model.borrow())?;
    app.dispatch(Msg::Open);

    let (api, site) = (app.api.clone(), app.site());
    app.dispatch(config_msg(net::config(&api, &site).await));
    Ok(())
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
