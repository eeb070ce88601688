/**
 * A headless Chromium for the tests of the operator UI: the browser inside the
 * @sparticuz/chromium package (unpacked to the temp directory on first use), driven by
 * puppeteer-core. It needs no system package and nothing from the network.
 */
import chromium from '@sparticuz/chromium'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'

/**
 * `posix`: start it as on a machine whose locale is POSIX (LANG=C), where Chromium reports
 * `navigator.language` as `en-US@posix`, which Intl rejects; by default its language is en-US.
 */
export async function launchBrowser (opts: { posix?: boolean } = {}): Promise<Browser> {
  const executablePath = await chromium.executablePath()
  try {
    return await launch(executablePath, opts.posix ?? false)
  } catch (err) {
    // The package unpacks its files once, keyed by the browser binary alone: a run killed while
    // unpacking leaves a browser without its libraries.
    throw new Error(`the headless Chromium at ${executablePath} did not start (${err instanceof Error ? err.message : String(err)}); if it was half unpacked, delete it and the libraries beside it to unpack it again`, { cause: err })
  }
}

async function launch (executablePath: string, posix: boolean): Promise<Browser> {
  const locale = posix ? 'C' : 'en_US.UTF-8'
  return await puppeteer.launch({
    executablePath,
    // The package's flags are for serverless hosts: here the browser may use processes, and
    // keeps web security on, as an operator's browser does.
    args: [...chromium.args.filter(a => a !== '--single-process' && a !== '--disable-web-security'), ...(posix ? [] : ['--lang=en-US'])],
    // The browser takes its language from the machine's locale, whatever the machine running the tests has.
    env: { ...process.env, LANG: locale, LC_ALL: locale },
    headless: true,
    defaultViewport: { width: 1280, height: 800 }
  })
}

/** A page whose console errors and uncaught exceptions are collected, for the test to assert there are none. */
export async function watchedPage (browser: Browser): Promise<{ page: Page, errors: string[] }> {
  const page = await browser.newPage()
  const errors: string[] = []
  page.on('console', m => { if (m.type() === 'error') errors.push(`console: ${m.text()}`) })
  page.on('pageerror', err => { errors.push(`uncaught: ${err instanceof Error ? err.message : String(err)}`) })
  page.on('requestfailed', r => {
    // A page that is closed or navigated cuts its event stream: that is no error of the UI.
    if (!r.url().endsWith('/v1/events')) errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`)
  })
  return { page, errors }
}
