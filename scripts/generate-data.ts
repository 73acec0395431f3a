/**
 * `npm run data [-- --scale tiny|default|paper] [--seed N] [--out DIR] [--layout flat|per-station] [--visso] [--force]`:
 * writes the generated Norcia data set in the D-set layout (default folder: data/dset, or $SEISMIC_XAI_DSET),
 * then opens it with the reader and prints its summary. Progress goes to stderr.
 */
import { generateNorciaDataset, DSetLayout, DSetScale } from "../lib/data/generator";
import { openDSet } from "../lib/data/dset-reader";
import { defaultDSetDir } from "../lib/core/paths";
import { InputError } from "../lib/core/errors";
import { DSetPeriod } from "../lib/data/sequence";

const USAGE = [
  "usage: npm run data -- [--scale tiny|default|paper] [--seed N] [--out DIR] [--layout flat|per-station] [--visso] [--force]",
  "  --scale    tiny: 20 traces per station and period; default: 250; paper: the real D-set's counts (79,461 traces, about 4.8 GB)",
  "  --seed     same seed, same data (default 42)",
  "  --out      the folder to write (default data/dset, or $SEISMIC_XAI_DSET)",
  "  --layout   flat: every file in the folder (default); per-station: <out>/<STA>/<STA>_waveforms_<period>.hdf5, as the paper's authors keep the D-set",
  "  --visso    also the visso period (not used by the paper)",
  "  --force    regenerate even if the folder holds this data set already",
  "An interrupted run resumes when the same command is run again.",
].join("\n");

function parseArgs(argv: readonly string[]): { scale: DSetScale; seed: number; outDir: string; periods: DSetPeriod[]; force: boolean; layout: DSetLayout } {
  let scale: DSetScale = "default";
  let seed = 42;
  let outDir = defaultDSetDir();
  let periods: DSetPeriod[] = ["pre", "post"];
  let force = false;
  let layout: DSetLayout = "flat";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new InputError(flag, `needs a value\n${USAGE}`);
      return v;
    };
    if (flag === "--scale") {
      const v = value();
      if (v !== "tiny" && v !== "default" && v !== "paper") throw new InputError("--scale", `must be tiny, default or paper, got "${v}"`);
      scale = v;
    } else if (flag === "--seed") {
      const v = value();
      seed = Number(v);
      if (!Number.isInteger(seed)) throw new InputError("--seed", `must be an integer, got "${v}"`);
    } else if (flag === "--out") {
      outDir = value();
    } else if (flag === "--layout") {
      const v = value();
      if (v !== "flat" && v !== "per-station") throw new InputError("--layout", `must be flat or per-station, got "${v}"`);
      layout = v;
    } else if (flag === "--visso") {
      periods = ["pre", "visso", "post"];
    } else if (flag === "--force") {
      force = true;
    } else if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else {
      throw new InputError(arg, `unknown argument\n${USAGE}`);
    }
  }
  return { scale, seed, outDir, periods, force, layout };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const report = await generateNorciaDataset(args);
  console.log(
    report.reused
      ? `${report.outDir}: already holds the ${report.scale} data set for seed ${report.seed} (${report.nTraces} traces); nothing to do (--force regenerates)`
      : `wrote ${report.nTraces} traces in ${report.files.length} file pairs to ${report.outDir} in ${report.elapsedS.toFixed(1)} s` +
          (report.resumedFiles ? ` (${report.resumedFiles} pairs kept from an interrupted run)` : ""),
  );
  const dset = await openDSet(report.outDir);
  try {
    console.log(dset.summary());
  } finally {
    dset.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof InputError ? `error: ${e.message}` : e);
  process.exit(1);
});
