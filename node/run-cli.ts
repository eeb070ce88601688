import { CommanderError } from 'commander'
import { errorMessage } from '../src/errors.ts'
import { buildCli } from './cli.ts'

/** The meshnode binary: every failure ends in one line on stderr and a non-zero exit code. */
export async function runCli (): Promise<void> {
  try {
    await buildCli().exitOverride().parseAsync(process.argv)
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode
    } else {
      console.error(`meshnode: ${errorMessage(err)}`)
      process.exitCode = 1
    }
  }
}
