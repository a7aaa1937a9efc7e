// `iterable-actions preview [FILE] [--config FILE] [--batch]`: Segment events as NDJSON (stdin or
// FILE) → one NDJSON line per event with the requests the destination would send; no network.
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Command } from 'commander'
import { ConfigError } from '../config/errors.js'
import { defaultConfig, loadConfig } from '../config/load.js'
import { PreviewSession } from '../preview/session.js'

interface PreviewCommandOptions {
  config?: string
  batch?: boolean
}

/** Buffered stdout writer that respects back-pressure. */
function createWriter(): { write(lines: string[]): Promise<void>; end(): Promise<void> } {
  let buffer = ''
  const flush = async (): Promise<void> => {
    if (buffer === '') return
    const chunk = buffer
    buffer = ''
    if (!process.stdout.write(chunk))
      await new Promise<void>((resolve) => process.stdout.once('drain', resolve))
  }
  return {
    async write(lines) {
      for (const line of lines) buffer += line + '\n'
      if (buffer.length >= 64 * 1024) await flush()
    },
    end: flush,
  }
}

export async function runPreview(file: string | undefined, options: PreviewCommandOptions): Promise<number> {
  let config
  try {
    config = options.config ? loadConfig(options.config, { preview: true }) : defaultConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`iterable-actions preview: ${error.message}\n`)
      return 2
    }
    throw error
  }
  for (const warning of config.warnings) process.stderr.write(`warning: ${warning}\n`)

  const input = file === undefined || file === '-' ? process.stdin : createReadStream(file)
  let readError: Error | undefined
  input.on('error', (error: Error) => {
    readError = error
  })
  const session = new PreviewSession(config, { batch: options.batch === true, now: Date.now() })
  const writer = createWriter()
  const lines = createInterface({ input, crlfDelay: Infinity })
  let lineNumber = 0
  try {
    for await (const line of lines) {
      lineNumber++
      await writer.write(session.push(line, lineNumber))
    }
  } catch (error) {
    readError = error as Error
  }
  await writer.write(session.finish())
  await writer.end()
  if (readError !== undefined) {
    process.stderr.write(`iterable-actions preview: cannot read ${file ?? 'stdin'}: ${readError.message}\n`)
    return 1
  }
  return 0
}

export function registerPreview(program: Command): void {
  program
    .command('preview')
    .description(
      'Show the requests the destination would send for Segment events (NDJSON on stdin or FILE), one line per event; no network',
    )
    .argument('[file]', 'NDJSON file of Segment events (default: stdin)')
    .option(
      '-c, --config <file>',
      'configuration file (YAML or JSON); default: the four automatic presets, united_states',
    )
    .option('--batch', 'show bulk requests (one line per bulk request) instead of single requests')
    .action(async (file: string | undefined, options: PreviewCommandOptions) => {
      process.exitCode = await runPreview(file, options)
    })
}
