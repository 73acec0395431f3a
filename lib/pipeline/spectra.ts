import { DSet } from "../data/dset-reader";
import { ClassSpectraOptions, ClassSpectraResult, ColocatedEventsOptions, LabelledWaveform, classSpectra, colocatedEvents } from "../spectrogram/class-spectra";

/** Fig. 5's data: the class spectra of co-located foreshocks and aftershocks at one station. */
export interface ColocatedSpectra extends ClassSpectraResult {
  readonly station: string;
  /** Traces used per class (foreshocks, aftershocks). */
  readonly nPerClass: readonly [number, number];
  readonly selection: ColocatedEventsOptions;
}

/**
 * Reads the co-located foreshocks and aftershocks of `station` (`colocatedEvents`: epicentres within
 * `maxDistanceKm` of the mainshock) from the opened D-set and computes their class spectra
 * (`classSpectra`: Welch amplitude spectra from the P arrival on, mean and spread of log10 amplitude).
 */
export async function colocatedClassSpectra(
  dset: DSet,
  options: { station: string; selection?: ColocatedEventsOptions; spectra?: ClassSpectraOptions },
): Promise<ColocatedSpectra> {
  const selection: ColocatedEventsOptions = { ...options.selection, station: options.station };
  const rows = colocatedEvents(dset.metadata({ stations: [options.station] }), selection);
  const waveforms: LabelledWaveform[] = [];
  for await (const t of dset.traces({ names: rows.map((r) => r.trace_name) })) waveforms.push({ data: t.data, label: t.label, name: t.name });
  const result = classSpectra(waveforms, options.spectra);
  const n0 = waveforms.filter((w) => w.label === 0).length;
  return { ...result, station: options.station, nPerClass: [n0, waveforms.length - n0], selection };
}
