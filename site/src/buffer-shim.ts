/**
 * The part of Node's Buffer that lib/core/png.ts uses to encode the PNG images inside the plots' figure specs
 * (alloc, from, concat, writeUInt32BE, latin1 write, base64 toString), injected by site/build.ts as the global
 * `Buffer` of the browser bundles.
 */
class BufferBytes extends Uint8Array {
  writeUInt32BE(value: number, offset: number): number {
    new DataView(this.buffer, this.byteOffset, this.byteLength).setUint32(offset, value >>> 0, false);
    return offset + 4;
  }
  write(s: string, offset: number): number {
    for (let i = 0; i < s.length; i++) this[offset + i] = s.charCodeAt(i) & 0xff;
    return s.length;
  }
  override toString(encoding?: string): string {
    let s = "";
    for (let i = 0; i < this.length; i += 0x8000) s += String.fromCharCode(...this.subarray(i, i + 0x8000));
    return encoding === "base64" ? btoa(s) : s;
  }
}

function alloc(n: number): BufferBytes {
  return new BufferBytes(n);
}

function from(source: ArrayLike<number> | string, encoding?: string): BufferBytes {
  if (typeof source !== "string") {
    const b = new BufferBytes(source.length);
    b.set(source);
    return b;
  }
  if (encoding === "base64") {
    const s = atob(source);
    const b = new BufferBytes(s.length);
    for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
    return b;
  }
  return from(new TextEncoder().encode(source));
}

function concat(parts: readonly Uint8Array[]): BufferBytes {
  const out = new BufferBytes(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const Buffer = Object.assign(BufferBytes, { alloc, from, concat });
export type Buffer = BufferBytes;
