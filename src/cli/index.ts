#!/usr/bin/env node
import { Command } from 'commander'
import { VERSION } from '../version.js'
import { registerSandbox } from './sandbox.js'
import { registerPreview } from './preview.js'
import { registerServe } from './serve.js'
import { registerSend } from './send.js'
import { registerApply } from './apply.js'
import { registerExport } from './export.js'

const program = new Command()
program.name('iterable-actions').description('Self-hosted Iterable (Actions) destination').version(VERSION)

// Each command lives in its own file under src/cli/ and registers itself here.
registerPreview(program)
registerSandbox(program)
registerServe(program)
registerSend(program)
registerApply(program)
registerExport(program)

await program.parseAsync(process.argv)
