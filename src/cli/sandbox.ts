import type { Command } from 'commander'

// Placeholder until the 'sandbox' command lands: registers nothing.
export function registerSandbox(_program: Command): void {}
