let crcTable: Uint32Array | null = null;

/**
 * CRC-32 (ISO 3309 / ITU-T V.42, the polynomial 0xEDB88320 reflected) of `bytes`, continuing from `crc`
 * when given: the checksum of ZIP members and PNG chunks. Returns an unsigned 32-bit integer.
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const table = crcTable;
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
