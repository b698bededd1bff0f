// The widget's one network primitive (see net.rs): fetch without credentials, a timeout,
// the browser's JSON parser, and exactly one call of `done(status, body, retryAfter)`;
// status 0 means no response at all.
export function ferryFetch(method, url, json, timeoutMs, done) {
  var init = { method: method, credentials: 'omit', signal: AbortSignal.timeout && AbortSignal.timeout(timeoutMs) };
  if (json != null) {
    init.body = json;
    init.headers = { 'content-type': 'application/json' };
  }
  fetch(url, init).then(function (r) {
    return r.json().catch(function () { return null; }).then(function (body) {
      done(r.status, body, r.headers.get('retry-after'));
    });
  }, function () { done(0, null, null); });
}

// The URL of a file beside the module: wasm-bindgen puts this snippet in
// `<module dir>/snippets/<crate>/src/fetch.js`.
export function ferryAsset(path) {
  return new URL('../../../' + path, import.meta.url).href;
}
