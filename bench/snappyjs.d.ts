// snappyjs ships no types; as apps/api/src/receive/snappyjs.d.ts declares them.
declare module 'snappyjs' {
  const snappy: {
    uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
    compress(uncompressed: Uint8Array): Uint8Array;
  };
  export default snappy;
}
