import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { guardedLookup } from './target.ts'

/**
 * One webhook POST with node:http(s), which lets the connection resolve its host through
 * `guardedLookup`; resolves with the answer's status once its head arrived (the body is
 * dropped), rejects on a connection error or when `signal` aborts. Redirects are not followed.
 */
export async function postWebhook (url: URL, headers: Record<string, string>, body: string, signal: AbortSignal, allowPrivate: boolean): Promise<number> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest
  return await new Promise<number>((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: guardedLookup(allowPrivate),
      signal
    }, res => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end(body)
  })
}
