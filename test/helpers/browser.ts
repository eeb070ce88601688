/**
 * A headless Chromium for the tests of the operator UI: the browser inside the
 * @sparticuz/chromium package (unpacked to the temp directory on first use), driven by
 * puppeteer-core. It needs no system package and nothing from the network.
 */
import chromium from '@sparticuz/chromium'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'

export async function launchBrowser (): Promise<Browser> {
  const executablePath = await chromium.executablePath()
  try {
    return await launch(executablePath)
  } catch (err) {
    // The package unpacks its files once, keyed by the browser binary alone: a run killed while
    // unpacking leaves a browser without its libraries.
    throw new Error(`the headless Chromium at ${executablePath} did not start (${err instanceof Error ? err.message : String(err)}); if it was half unpacked, delete it and the libraries beside it to unpack it again`, { cause: err })
  }
}

async function launch (executablePath: string): Promise<Browser> {
  return await puppeteer.launch({
    executablePath,
    // The package's flags are for serverless hosts: here the browser may use processes, and
    // keeps web security on, as an operator's browser does.
    args: [...chromium.args.filter(a => a !== '--single-process' && a !== '--disable-web-security'), '--lang=en-US'],
    // A POSIX locale of the machine (LANG=C) would be the page's language otherwise, which Intl rejects.
    env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8' },
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
