/**
 * Whatever a tool takes and returns, as JSON the server accepts.
 *
 * Governance must never crash an agent because an argument is not JSON: known shapes
 * (Date, BigInt, Map, Set, bytes, errors, objects with toJSON) are converted faithfully,
 * non-finite numbers become strings (as the Python SDK does), cycles and functions are named.
 */
const MAX_DEPTH = 32;

export function toJsonable(value: unknown, depth = 0, seen: Set<object> = new Set()): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "bigint":
      return value.toString();
    case "symbol":
      return value.toString();
    case "function":
      return `[function ${value.name || "anonymous"}]`;
  }
  const obj = value as object;
  if (depth > MAX_DEPTH) return "[too deep]";
  if (seen.has(obj)) return "[circular]";
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
  if (obj instanceof Uint8Array || obj instanceof ArrayBuffer) {
    const bytes = obj instanceof ArrayBuffer ? new Uint8Array(obj) : obj;
    return { $bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64") };
  }
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((v) => toJsonable(v, depth + 1, seen));
    if (obj instanceof Set) return [...obj].map((v) => toJsonable(v, depth + 1, seen));
    if (obj instanceof Map) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of obj) out[String(k)] = toJsonable(v, depth + 1, seen);
      return out;
    }
    if (obj instanceof Error) return { type: obj.name, message: obj.message };
    const toJSON = (obj as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return toJsonable(toJSON.call(obj), depth + 1, seen);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (v === undefined || typeof v === "function") continue; // as JSON.stringify leaves them out
      out[k] = toJsonable(v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}

export function dumps(value: unknown): string {
  return JSON.stringify(toJsonable(value));
}
