/**
 * A user's own trace for the explorer: the bytes of a `.npy` (NumPy's format, lib/waveform/npy.ts) or `.npz`
 * (a zip of .npy members, stored or deflated) holding one 3 x 2500 array (E, N, Z rows; 100 Hz; P at 5 s, as
 * the D-set's traces are), checked and turned into its 33 x 153 x 3 spectrogram image by the library's own
 * spectrogramImage (lib/spectrogram/spectrogram-image.ts). Every refusal is an Error whose message names the file
 * and says what is wrong and what is expected; the page shows it as is.
 */
import { readNpy, type NdArray } from "../../lib/waveform/npy";
import { spectrogramImage, type SpectrogramImage } from "../../lib/spectrogram/spectrogram-image";

/** What a dropped trace must be. */
export const EXPECTED = "a 3 x 2500 array of numbers (E, N, Z; 25 s at 100 Hz; P arrival at 5 s)";

/** A checked trace and its image. */
export interface DroppedTrace {
  readonly name: string;
  /** 3 x 2500 row-major ("CW"). */
  readonly waveform: Float64Array;
  readonly image: SpectrogramImage;
}

/** Inflates raw DEFLATE bytes (the browser's DecompressionStream; Node 18+ has it too). */
async function inflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The .npy members of a zip (.npz), read from its central directory. */
async function npzMembers(bytes: Uint8Array, name: string): Promise<{ member: string; data: Uint8Array }[]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${name}: not a valid .npz (no zip directory found); expected ${EXPECTED}`);
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const out = [];
  for (let k = 0; k < count; k++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) throw new Error(`${name}: corrupt .npz (bad zip directory entry ${k})`);
    const method = view.getUint16(p + 10, true);
    const compressed = view.getUint32(p + 20, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const member = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
    if (local + 30 > bytes.length) throw new Error(`${name}: corrupt .npz (member ${member} beyond the end)`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const raw = bytes.subarray(start, start + compressed);
    if (method === 0) out.push({ member, data: raw });
    else if (method === 8) out.push({ member, data: await inflateRaw(raw) });
    else throw new Error(`${name}: member ${member} uses zip method ${method}; only stored or deflated members are read`);
  }
  return out;
}

/**
 * Reads and checks a dropped file: `.npy`, or `.npz` with exactly one array (or one named "waveform"/"data").
 * @throws Error naming `name`, for another file type, a corrupt file, a non-numeric dtype, a shape other than
 *   3 x 2500, or a NaN/infinite sample (with its channel and index)
 */
export async function readDroppedTrace(bytes: Uint8Array, name: string): Promise<DroppedTrace> {
  let array: NdArray;
  let where = name;
  const lower = name.toLowerCase();
  if (lower.endsWith(".npz")) {
    const members = (await npzMembers(bytes, name)).filter((m) => m.member.endsWith(".npy"));
    const chosen = members.length === 1 ? members[0] : members.find((m) => /^(waveform|data)\.npy$/.test(m.member));
    if (!chosen) {
      throw new Error(`${name}: holds ${members.length} arrays (${members.map((m) => m.member.replace(/\.npy$/, "")).join(", ") || "none"}); give one array, or name it "waveform"`);
    }
    where = `${name}:${chosen.member.replace(/\.npy$/, "")}`;
    array = readNpy(chosen.data, where);
  } else if (lower.endsWith(".npy")) {
    array = readNpy(bytes, name);
  } else {
    throw new Error(`${name}: not a .npy or .npz file; expected ${EXPECTED}`);
  }
  const kind = array.dtype.replace(/^[<>|=]/, "")[0];
  if (Array.isArray(array.data) || !"fiu".includes(kind)) {
    throw new Error(`${where}: dtype ${array.dtype} is not a real number type; expected float64, float32 or integer samples (${EXPECTED})`);
  }
  if (array.shape.length !== 2 || array.shape[0] !== 3 || array.shape[1] !== 2500) {
    const hint = array.shape.length === 2 && array.shape[0] === 2500 && array.shape[1] === 3 ? " (transpose it: channels first)" : "";
    throw new Error(`${where}: shape (${array.shape.join(", ")}) is wrong${hint}; expected ${EXPECTED}`);
  }
  const waveform = Float64Array.from(array.data as ArrayLike<number>);
  for (let i = 0; i < waveform.length; i++) {
    if (!Number.isFinite(waveform[i])) {
      throw new Error(`${where}: sample ${i % 2500} of channel ${["E", "N", "Z"][Math.floor(i / 2500)]} is ${waveform[i]}; the trace must hold finite numbers only`);
    }
  }
  const image = spectrogramImage(waveform, { nChannels: 3, nSamples: 2500, name: where });
  return { name, waveform, image };
}
