/**
 * The part of Node's Buffer that lib/core/png.ts uses to encode the PNG images inside the plots' figure specs
 * (alloc, from, concat, writeUInt32BE, latin1 write, base64 toString), injected by site/build.ts as the global
 * `Buffer` of the browser bundles.
 */
export class Buffer extends Uint8Array {
  static alloc(n: number): Buffer {
    return new Buffer(n);
  }
  static from(source: ArrayLike<number> | string, encoding?: string): Buffer {
    if (typeof source !== "string") return Buffer.of(...Array.from(source)) as Buffer;
    if (encoding === "base64") {
      const s = atob(source);
      const b = new Buffer(s.length);
      for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
      return b;
    }
    return new Buffer(new TextEncoder().encode(source));
  }
  static concat(parts: readonly Uint8Array[]): Buffer {
    const out = new Buffer(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
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
