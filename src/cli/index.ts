#!/usr/bin/env node
// First: V8 flags must be set before the rest of the program is loaded.
import './v8-tuning.js'
import { Command } from 'commander'
import { VERSION } from '../version.js'

type Register = (program: Command) => void

// Each command lives in its own file under src/cli/ and registers itself. Only the invoked
// command's module is loaded (the service's modules take a second to import), so a short
// command starts fast; help and unknown commands load them all.
const COMMANDS: Record<string, () => Promise<Register>> = {
  preview: async () => (await import('./preview.js')).registerPreview,
  sandbox: async () => (await import('./sandbox.js')).registerSandbox,
  serve: async () => (await import('./serve.js')).registerServe,
  send: async () => (await import('./send.js')).registerSend,
  apply: async () => (await import('./apply.js')).registerApply,
  export: async () => (await import('./export.js')).registerExport,
  'dead-letters': async () => (await import('./dead-letters.js')).registerDeadLetters,
  events: async () => (await import('./events.js')).registerEvents,
  users: async () => (await import('./users.js')).registerUsers,
  'admin-token': async () => (await import('./admin-token.js')).registerAdminToken,
}

const program = new Command()
program.name('iterable-actions').description('Self-hosted Iterable (Actions) destination').version(VERSION)

const invoked = process.argv[2]
const names =
  invoked === '--version' || invoked === '-V'
    ? []
    : invoked !== undefined && Object.hasOwn(COMMANDS, invoked)
      ? [invoked]
      : Object.keys(COMMANDS)
for (const name of names) (await COMMANDS[name]())(program)

await program.parseAsync(process.argv)
