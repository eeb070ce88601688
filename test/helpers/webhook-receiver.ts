import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from '../../src/webhooks/signature.ts'

/** One delivery as a receiver got it, its signature checked with the secret. */
export interface Received {
  id: string
  type: string
  data: Record<string, unknown>
  signatureValid: boolean
  at: number
}

export interface WebhookReceiver {
  url: string
  received: Received[]
  /** How the next deliveries are answered, in order; past the list: `fallback`. */
  answers: Array<number | 'hang'>
  fallback: number | 'hang'
  /** Requests held unanswered now. */
  hanging: () => number
  close: () => Promise<void>
}

/** A webhook receiver on 127.0.0.1 (on `port` if given) that checks every signature against `secret`. */
export async function startReceiver (secret: string, port = 0): Promise<WebhookReceiver> {
  const held = new Set<() => void>()
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    answers: [],
    fallback: 200,
    hanging: () => held.size,
    close: async () => {
      for (const release of held) release()
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }
  }
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => { body += d.toString() })
    req.on('end', () => {
      const parsed = JSON.parse(body) as { id: string, type: string, data: Record<string, unknown> }
      const signatureValid = verifyWebhookSignature(secret, String(req.headers[TIMESTAMP_HEADER.toLowerCase()]), body,
        String(req.headers[SIGNATURE_HEADER.toLowerCase()]), Math.floor(Date.now() / 1000)) &&
        req.headers['x-meshnode-event-id'] === parsed.id
      receiver.received.push({ id: parsed.id, type: parsed.type, data: parsed.data, signatureValid, at: Date.now() })
      const answer = receiver.answers.shift() ?? receiver.fallback
      if (answer === 'hang') {
        const release = (): void => { held.delete(release); res.destroy() }
        held.add(release)
        return
      }
      res.writeHead(answer).end()
    })
  })
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve))
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  return receiver
}
