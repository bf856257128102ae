import { z } from 'zod';

const BackendUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** The same backend written twice ("http://b:3000" and "http://b:3000/") is a duplicate. */
const sameBackend = (url: string) => new URL(url).href.replace(/\/$/, '');

/**
 * The `backend` section: the ShelfWatch backend the rules' readings are forwarded to, one
 * (`url`) or several replicas to fail over between (`urls`, tried in order); parsed into `urls`.
 */
export const BackendConfig = z
  .object({
    url: BackendUrl.optional(),
    urls: z
      .array(BackendUrl)
      .min(1)
      .max(8)
      .refine((urls) => new Set(urls.map(sameBackend)).size === urls.length, 'must not name the same backend twice')
      .optional(),
    /** May be left out here and given in SHELFWATCH_GATEWAY_TOKEN instead (keeps secrets out of files). */
    token: z.string().min(8),
  })
  .strict()
  .refine((b) => (b.url === undefined) !== (b.urls === undefined), 'give exactly one of backend.url (one backend) and backend.urls (several to fail over between)')
  .transform(({ url, urls, token }) => ({ urls: urls ?? [url!], token }));
export type BackendConfig = z.infer<typeof BackendConfig>;
