// An agent process for the exit, restart and kill tests, configured only through EXECLAVE_*.
//   produce N          N governed calls, then the script simply ends (no flush: the exit hook's job)
//   produce-exit N     N calls, then process.exit(0) at once (what is queued goes to the spool)
//   produce-forever    calls until killed (prints each trace id as it is made)
//   replay             build a client and flush: what a previous process spooled is sent
//   replay-kill K      replay, but SIGKILL itself right after the K-th trace batch was accepted
//                      by the server and before the spool recorded it: a kill mid-batch
import { Execlave } from "../dist/esm/index.js";

const [mode, arg] = process.argv.slice(2);
let accepted = 0;
const killingFetch = async (url, init) => {
  const resp = await fetch(url, init);
  if (mode === "replay-kill" && String(url).endsWith("/api/v1/traces") && resp.ok && ++accepted === Number(arg)) {
    process.kill(process.pid, "SIGKILL");
  }
  return resp;
};
const ex = new Execlave({ fetch: killingFetch, logger: { info() {}, warn() {}, error: (m) => console.error(m) } });

async function call(i) {
  let id;
  await ex.action("orders.lookup", { input: { order_id: i } }, async (action) => {
    id = action.traceId;
    await action.record({ output: `order ${i}: shipped`, cost: 0.001, tokens: { prompt: 3, completion: 4 } });
  });
  return id;
}

if (mode === "produce" || mode === "produce-exit") {
  const ids = [];
  for (let i = 0; i < Number(arg); i++) ids.push(await call(i));
  console.log(JSON.stringify({ trace_ids: ids, ungoverned: ex.stats().ungoverned_calls > 0 }));
  if (mode === "produce-exit") process.exit(0);
} else if (mode === "produce-forever") {
  for (let i = 0; ; i++) {
    console.log(JSON.stringify({ trace_id: await call(i) }));
    await new Promise((r) => setTimeout(r, 2));
  }
} else if (mode === "replay" || mode === "replay-kill") {
  const delivered = await ex.flush(20_000);
  console.log(JSON.stringify({ delivered, stats: ex.stats() }));
}
