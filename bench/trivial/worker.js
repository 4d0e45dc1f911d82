// The yardstick of bench/worker-load.mjs: a worker that reads one D1 row and
// answers it as JSON, nothing else.
export default {
  async fetch(_request, env) {
    const row = await env.DB.prepare('SELECT id, body FROM rows WHERE id = ?1').bind(1).first();
    return Response.json(row);
  },
};
