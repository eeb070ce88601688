/**
 * A `--param KEY=VALUE` as genesis and proposals take it: the value is JSON where it parses,
 * the text itself otherwise. Undefined when there is no key before an `=`.
 */
export function splitParam (spec: string): [key: string, value: unknown] | undefined {
  const eq = spec.indexOf('=')
  if (eq < 1) return undefined
  const raw = spec.slice(eq + 1)
  try {
    return [spec.slice(0, eq), JSON.parse(raw)]
  } catch {
    return [spec.slice(0, eq), raw]
  }
}
