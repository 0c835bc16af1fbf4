// Reads what a test needs from a PNG: the signature and the IHDR width and height.
export const PNG_SIGNATURE = '89504e470d0a1a0a';

export function pngInfo(png: Uint8Array): { signature: string; chunk: string; width: number; height: number } {
  const b = Buffer.from(png);
  return {
    signature: b.subarray(0, 8).toString('hex'),
    chunk: b.subarray(12, 16).toString('ascii'),
    width: b.readUInt32BE(16),
    height: b.readUInt32BE(20),
  };
}
