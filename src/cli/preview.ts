import type { Command } from 'commander'

// Placeholder until the 'preview' command lands: registers nothing.
export function registerPreview(_program: Command): void {}
