/**
 * The one HTTP client of the store adapters that speak HTTP (Vault, Consul): node:http(s)
 * rather than fetch, so a private CA (`tls.ca`) can be trusted per request; a timeout on
 * every request; errors that name the store and the request, never a credential.
 */
import * as http from "node:http";
import * as https from "node:https";

export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: string;
  /** PEM of the CA to trust for an https URL. */
  ca?: string;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * @example
 * const res = await httpRequest({ method: "GET", url: new URL("https://consul:8501/v1/kv/a"), ca });
 */
export function httpRequest(r: HttpRequest): Promise<HttpResponse> {
  const timeoutMs = r.timeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const req = (r.url.protocol === "https:" ? https : http).request(
      r.url,
      {
        method: r.method,
        headers: { ...r.headers, ...(r.body !== undefined ? { "content-length": String(Buffer.byteLength(r.body)) } : {}) },
        ...(r.url.protocol === "https:" && r.ca ? { ca: r.ca } : {}),
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on("error", reject);
    if (r.body !== undefined) req.write(r.body);
    req.end();
  });
}
