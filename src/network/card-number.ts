/**
 * Whether a value holds something that looks like a payment card number: a run of 13 to 19
 * digits (single spaces or dashes between them allowed, as cards are written) that passes the
 * Luhn check. meshnode processes no cards, so such a value is refused wherever it appears.
 * Returns the path of the first field that holds one.
 */
export function cardNumberField (value: unknown, path: string[] = []): string | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    return hasCardNumber(String(value)) ? (path.join('.') || '(body)') : undefined
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = cardNumberField(v, [...path, String(i)])
      if (found !== undefined) return found
    }
    return undefined
  }
  if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      // A key is a field too: a card number may hide in one (never echoed: the path names its parent).
      const found = hasCardNumber(k) ? [...path, '(key)'].join('.') : cardNumberField(v, [...path, k])
      if (found !== undefined) return found
    }
  }
  return undefined
}

const RUN = /\d(?:[ -]?\d)*/g

export function hasCardNumber (text: string): boolean {
  for (const match of text.matchAll(RUN)) {
    const digits = match[0].replace(/[ -]/g, '')
    if (digits.length >= 13 && digits.length <= 19 && luhn(digits)) return true
  }
  return false
}

/** The Luhn checksum (ISO/IEC 7812): every second digit from the right doubled. */
export function luhn (digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}
