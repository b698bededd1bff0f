// Cloudflare Turnstile for a message the edge wants checked (see view.rs): api.js is loaded
// once into the page (it must run in the global scope), the check renders into `el`, and
// `done(token)` is called exactly once, with null when the script cannot load (CSP, offline)
// or the check fails.
var ready;
export function ferryChallenge(el, sitekey, done) {
  var id, over;
  function end(token) {
    if (over) return;
    over = 1;
    try { if (id != null) turnstile.remove(id); } catch (e) { /* already gone */ }
    done(typeof token == 'string' && token ? token : null);
  }
  ready = ready || new Promise(function (ok, fail) {
    if (window.turnstile) return ok(); // the shop's page has it already
    var s = document.createElement('script');
    s.src = 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit';
    s.async = true;
    s.onload = function () { window.turnstile ? ok() : fail(); };
    s.onerror = fail;
    setTimeout(fail, 20000);
    document.head.appendChild(s);
  }).catch(function () { ready = null; throw 0; });
  ready.then(function () {
    var fail = function () { end(null); };
    id = turnstile.render(el, {
      sitekey: sitekey, appearance: 'interaction-only', callback: end,
      'error-callback': fail, 'expired-callback': fail, 'timeout-callback': fail
    });
  }).catch(function () { end(null); });
}
