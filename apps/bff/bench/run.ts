/**
 * `pnpm bench`: the foundation bench, the delivery pipeline bench (bench/deliveries.ts) when it exists, and the
 * SLA job bench (bench/sla.ts). Flags: --only foundation|deliveries|sla, --small (10× less data, for a quick check).
 * Figures are printed, never asserted; the exit code is non-zero only when something fails.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runFoundationBench } from './foundation';
import { runSlaBench } from './sla';

const BENCHES = ['foundation', 'deliveries', 'sla'] as const;
type TBenchName = (typeof BENCHES)[number];

type TArgs = { only: TBenchName | null; small: boolean };

const USAGE = 'Usage: pnpm bench [-- --only foundation|deliveries|sla] [--small]';

function parseArgs(argv: readonly string[]): TArgs {
  const args: TArgs = { only: null, small: false };
  // pnpm passes a literal "--" through when called as `pnpm bench -- --small`.
  const list = argv.filter((a) => a !== '--');
  for (let i = 0; i < list.length; i++) {
    const arg = list[i]!;
    if (arg === '--small') args.small = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? list[++i] : arg.slice('--only='.length);
      if (!BENCHES.includes(value as TBenchName))
        throw new Error(`--only takes one of ${BENCHES.join(', ')}; got "${value ?? ''}".\n${USAGE}`);
      args.only = value as TBenchName;
    } else {
      throw new Error(`Unknown argument "${arg}".\n${USAGE}`);
    }
  }
  return args;
}

type TDeliveriesModule = { runDeliveriesBench?: () => Promise<void> };

async function runDeliveries(): Promise<void> {
  const file = fileURLToPath(new URL('./deliveries.ts', import.meta.url));
  if (!fs.existsSync(file)) {
    console.log('\n=== Deliveries bench: skipped (bench/deliveries.ts does not exist) ===');
    return;
  }
  // A variable specifier keeps the typecheck independent of that file; tsx loads it at run time.
  const specifier = './deliveries.ts';
  const mod = (await import(specifier)) as TDeliveriesModule;
  if (typeof mod.runDeliveriesBench !== 'function') throw new Error('bench/deliveries.ts does not export runDeliveriesBench().');
  await mod.runDeliveriesBench();
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = process.hrtime.bigint();
  if (args.only === null || args.only === 'foundation') await runFoundationBench({ small: args.small });
  // deliveries.ts reads --small from process.argv itself (its entry point takes no arguments).
  if (args.only === null || args.only === 'deliveries') await runDeliveries();
  if (args.only === null || args.only === 'sla') await runSlaBench({ small: args.small, allDue: false, noAlerts: false });
  console.log(`\nbench finished in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
