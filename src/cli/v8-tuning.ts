// V8 tuning for the service, set before anything else is loaded. V8 optimises a function once it
// has run for an "interrupt budget" of bytecode; the default tiers up lukewarm code too, and in a
// service that starts cold (a restart, a burst after a quiet spell) compiling it costs more CPU than
// the work itself: measured on the 5,000-event corpus, the compiler threads took about 200 µs per
// event, and a budget three times the default cut serve's CPU per event by about a fifth
// (docs/operations.md). Hot code is still optimised, a little later. `IA_V8_TUNING=off` leaves V8's
// defaults; a budget given in NODE_OPTIONS wins. V8 12 (Node 22) tiers up by invocation counts and
// has no such flag (setting it prints "unrecognized flag"): there the defaults stay, as nothing
// was measured for its flags.
import { setFlagsFromString } from 'node:v8'

const INTERRUPT_BUDGET = 400_000
const V8_MAJOR = Number(process.versions.v8.split('.')[0])

if (
  V8_MAJOR < 12 &&
  process.env.IA_V8_TUNING !== 'off' &&
  !(process.env.NODE_OPTIONS ?? '').includes('--interrupt-budget')
) {
  setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`)
}
