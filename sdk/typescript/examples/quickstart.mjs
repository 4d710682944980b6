// Govern two tools of a support agent. Run with EXECLAVE_API_KEY, EXECLAVE_BASE_URL and
// EXECLAVE_AGENT set (see the README): `node examples/quickstart.mjs`.
import { ActionBlocked, ApprovalDenied, Execlave, currentAction } from "@execlave/sdk";

const ex = new Execlave({
  onApprovalPending: ({ tool, reviewUrl }) => console.log(`${tool} is waiting for a reviewer: ${reviewUrl}`),
});

// A read-only tool: usually allowed; records its cost on the trace.
const lookupOrder = ex.wrap("orders.lookup", async ({ orderId }) => {
  currentAction()?.record({ cost: 0.0002 });
  return { orderId, status: "shipped" };
});

// A destructive one: your policies decide (block it, or require an approval).
const refund = ex.wrap("payments.refund", async ({ orderId, amount }) => ({ refunded: amount, orderId }));

await ex.context({ session_id: "demo-session", user: "ana@example.com" }, async () => {
  console.log(await lookupOrder({ orderId: 42 }));
  try {
    console.log(await refund({ orderId: 42, amount: 19.99 }));
  } catch (error) {
    if (!(error instanceof ActionBlocked || error instanceof ApprovalDenied)) throw error;
    console.log(`refund refused: ${error.message}`);
  }
});
console.log(ex.stats());
await ex.shutdown();
