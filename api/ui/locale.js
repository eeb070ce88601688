// Runs before the modules (a classic script): Chromium on a POSIX locale (LANG=C) reports
// navigator.language as ICU's `en-US@posix`, which is no BCP 47 tag. Intl throws a RangeError
// on it, and uPlot builds its number format from navigator.language as it loads, so the whole
// page would fail. Each unusable tag is replaced by its usable part, or by Intl's own default.
(() => {
  const usable = tag => {
    try {
      return Intl.getCanonicalLocales(tag).length === 1
    } catch {
      return false
    }
  }
  if (navigator.languages.every(usable) && usable(navigator.language)) return
  const fallback = Intl.DateTimeFormat().resolvedOptions().locale
  const fix = tag => usable(tag) ? tag : usable(tag.split('@')[0]) ? tag.split('@')[0] : fallback
  const languages = Object.freeze([...new Set([navigator.language, ...navigator.languages].map(fix))])
  Object.defineProperty(navigator, 'language', { configurable: true, get: () => languages[0] })
  Object.defineProperty(navigator, 'languages', { configurable: true, get: () => languages })
})()
