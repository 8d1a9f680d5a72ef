// snappyjs ships no types; the function the tests use to build remote-write bodies.
declare module 'snappyjs' {
  const snappy: { compress(uncompressed: Uint8Array): Uint8Array; uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array };
  export default snappy;
}
