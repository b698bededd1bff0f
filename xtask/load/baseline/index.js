// `cargo xtask load`'s baseline: reads the body like the chat API does and answers a fixed
// JSON shaped like a ChatResponse. `ip` echoes cf-connecting-ip, so the load test can check
// that the synthetic shopper addresses reach a Worker unchanged.
export default {
  async fetch(request) {
    await request.text();
    const body = JSON.stringify({
      v: 1,
      reply: { kind: 'answer', text: 'baseline' },
      ip: request.headers.get('cf-connecting-ip'),
    });
    return new Response(body, { headers: { 'content-type': 'application/json' } });
  },
};
