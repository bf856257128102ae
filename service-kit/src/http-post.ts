import http from 'node:http';
import https from 'node:https';

export interface PostAnswer {
  status: number;
  text: string;
}

/** A POST and its whole answer; injectable where tests need a fake transport. */
export type Post = (url: URL, request: { headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<PostAnswer>;

/**
 * Idle connections are kept for reuse, but closed after 4 s: under the 5 s after which a Node
 * server (the backend) closes them, so a request never goes out on a socket being closed.
 */
const agents = {
  http: new http.Agent({ keepAlive: true, timeout: 4_000 }),
  https: new https.Agent({ keepAlive: true, timeout: 4_000 }),
};

/**
 * POST over node:http(s) with keep-alive, the answer read in full. Not fetch: on the
 * gateway's serving thread a fetch cost about four times the CPU of this per request
 * (0.5 vs 0.13 ms here), and its sinks send up to a hundred requests a second. Ends on
 * `signal` (use withDeadline for a timeout); every failure rejects, nothing is retried here.
 */
export const httpPost: Post = (url, { headers, body, signal }) =>
  new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const req = (secure ? https : http).request(
      url,
      { method: 'POST', agent: secure ? agents.https : agents.http, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, signal },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('answer cut off')));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
