/*! Ferry __FERRY_VERSION__ loader. Docs: widget/loader/README.md */
(function () {
  'use strict';
  var w = window, d = document, stub = w.Ferry;
  // Single-page shops may run the tag again: one widget per page.
  if (stub && stub.version) return;
  var script = d.currentScript || d.querySelector('script[src*="ferry.js"]');
  var data = script && script.dataset;
  if (!data || !data.site) return;
  var src = script.src, site = data.site;
  var api = (data.api || new URL(src).origin).replace(/\/+$/, '');
  var glue = new URL('widget/__FERRY_VERSION__/ferry_widget.js', src);
  var wasm = new URL('ferry_widget_bg.wasm', glue);
  var brand = 'var(--ferry-brand,#0f766e)';
  var css = [
    ':host{all:initial}' +
    '.ferry-launcher,.ferry-fallback{position:fixed;z-index:2147483000;right:20px;bottom:20px;border:0;box-shadow:0 6px 20px #0004}' +
    '.ferry-launcher{width:56px;height:56px;display:grid;place-items:center;padding:0;border-radius:50%;cursor:pointer;' +
    'background:' + brand + ';color:var(--ferry-on-brand,#fff)}' +
    '.ferry-launcher:focus-visible{outline:3px solid ' + brand + ';outline-offset:3px}' +
    'svg{width:28px;height:28px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}' +
    '[aria-expanded=true] .ferry-bubble,[aria-expanded=false] .ferry-x,[hidden]{display:none}' +
    '.ferry-launcher[aria-busy=true]{opacity:.7}' +
    '.ferry-fallback{bottom:88px;padding:12px 16px;border-radius:12px;background:#fff;color:#111;font:15px system-ui}' +
    '.ferry-fallback a{display:block;color:#0b5c56;font-weight:600}' +
    ':host([data-position=left])>*{right:auto;left:20px}'
  ];
  if (data.color && /^[\w#(),.%+ -]{1,64}$/.test(data.color)) css.push(':host{--ferry-brand:' + data.color + '}');

  var host = d.createElement('div');
  host.id = 'ferry-widget-host';
  if (data.position == 'left') host.setAttribute('data-position', 'left');
  var root = host.attachShadow({ mode: 'open' });
  if (!root.adoptedStyleSheets) return;
  root.adoptedStyleSheets = css.map(function (text) {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(text);
    return sheet;
  });

  function el(tag, parent, className) {
    var node = parent.appendChild(d.createElement(tag));
    if (className) node.className = className;
    return node;
  }
  function attrs(node, map) {
    for (var k in map) node.setAttribute(k, map[k]);
    return node;
  }
  var launcher = attrs(el('button', root, 'ferry-launcher'), { type: 'button', 'aria-label': 'Open chat', 'aria-expanded': false });
  function icon(className, path) {
    var ns = 'http://www.w3.org/2000/svg';
    attrs(launcher.appendChild(d.createElementNS(ns, 'svg')), { viewBox: '0 0 24 24', 'aria-hidden': true, class: className })
      .appendChild(d.createElementNS(ns, 'path')).setAttribute('d', path);
  }
  icon('ferry-bubble', 'M21 11.5a8.4 8.4 0 0 1-12.3 7.5L3 21l2-5.3A8.4 8.4 0 1 1 21 11.5z');
  icon('ferry-x', 'M6 6l12 12M18 6L6 18');

  // widget: the module once mounted (0 once it failed); queue: API calls made before that.
  var widget, loading, fallback, queue = [], listeners = {};
  function emit(name, detail) {
    (listeners[name] || []).slice().forEach(function (fn) {
      try { fn(detail); } catch (e) { console.error(e); }
    });
  }
  function load(open) {
    if (!loading) {
      launcher.setAttribute('aria-busy', true);
      loading = (w.WebAssembly ? import(glue) : Promise.reject('no WebAssembly'))
        .then(function (mod) {
          return mod.default({ module_or_path: wasm }).then(function () {
            return mod.mount(root, api, site, data.lang, emit, !!open);
          }).then(function () {
            widget = mod;
            queue.splice(0).forEach(function (call) { mod[call[0]].apply(0, call[1]); });
          });
        })
        .catch(fail)
        .then(function () {
          launcher.removeAttribute('aria-busy');
        });
    }
  }
  function fail(error) {
    widget = 0;
    console.warn('Ferry:', error);
    fallback = attrs(el('div', root, 'ferry-fallback'), { role: 'status' });
    fallback.textContent = 'Chat is unavailable right now.';
    show(1);
    function link(email) {
      if (email && !fallback.querySelector('a')) {
        var a = el('a', fallback);
        a.href = 'mailto:' + email;
        a.textContent = 'Email us: ' + email;
      }
    }
    return fetch(api + '/v1/config?site=' + encodeURIComponent(site))
      .then(function (r) { return r.json(); })
      .then(function (config) { link(config.support_email); }, function () {})
      .then(function () { link(data.email); });
  }
  function show(open) {
    fallback.hidden = !open;
    launcher.setAttribute('aria-expanded', !!open);
  }
  // Before the module: open and toggle load it opened, close has nothing to do; send and
  // identify wait in the queue (send loads the module, closed). After a failure the first
  // three show or hide the fallback.
  function method(name, open) {
    return function () {
      if (widget) return widget[name].apply(0, arguments);
      if (widget === 0) {
        if (open != null) show(open < 2 ? open : fallback.hidden);
      } else if (open) load(1);
      else if (open == null) {
        queue.push([name, arguments]);
        if (name == 'send') load();
      }
    };
  }
  var Ferry = w.Ferry = {
    version: '__FERRY_VERSION__',
    open: method('open', 1),
    close: method('close', 0),
    toggle: method('toggle', 2),
    send: method('send'),
    identify: method('identify'),
    on: function (name, fn) {
      (listeners[name] = listeners[name] || []).push(fn);
      return Ferry;
    },
    off: function (name, fn) {
      listeners[name] = (listeners[name] || []).filter(function (f) { return f != fn; });
      return Ferry;
    }
  };
  // Calls queued by a stub before this tag ran: window.Ferry = {q: [['identify', {...}], …]}.
  ((stub && stub.q) || []).forEach(function (call) {
    Ferry[call[0]] && Ferry[call[0]].apply(0, [].slice.call(call, 1));
  });
  launcher.addEventListener('click', Ferry.toggle);
  // Optionally fetch the module while the page is idle, so the first open is instant.
  if (data.prefetch != null && w.requestIdleCallback) requestIdleCallback(function () { import(glue); fetch(wasm) });
  if (d.body) d.body.appendChild(host);
  else d.addEventListener('DOMContentLoaded', function () { d.body.appendChild(host); });
})();
