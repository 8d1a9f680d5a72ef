// snappyjs ships no types; the two functions Vigia uses.
declare module 'snappyjs' {
  const snappy: {
    uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
    compress(uncompressed: Uint8Array): Uint8Array;
  };
  export default snappy;
}
