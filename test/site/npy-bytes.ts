/** A little-endian .npy (format 1.0) of `data` with `shape`, as numpy.save writes it; for the site's tests. */
export function npyBytes(data: Float64Array | Float32Array | Int16Array, shape: readonly number[]): Uint8Array {
  const descr = data instanceof Float64Array ? "<f8" : data instanceof Float32Array ? "<f4" : "<i2";
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  const pad = 64 - ((10 + dict.length + 1) % 64);
  const header = dict + " ".repeat(pad % 64) + "\n";
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
