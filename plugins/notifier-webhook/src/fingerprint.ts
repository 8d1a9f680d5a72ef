// Prometheus' LabelSet.Fingerprint(): FNV-1a 64 over the sorted label names and values, each
// followed by a 0xff byte. Using the same algorithm keeps fingerprints comparable with those a real
// Alertmanager would send for the same label set.
const OFFSET = 14695981039346656037n;
const PRIME = 1099511628211n;
const MASK = (1n << 64n) - 1n;
const SEPARATOR = 0xff;
const utf8 = new TextEncoder();

function addBytes(hash: bigint, bytes: Iterable<number>): bigint {
  let h = hash;
  for (const byte of bytes) h = ((h ^ BigInt(byte)) * PRIME) & MASK;
  return h;
}

export function labelsFingerprint(labels: Record<string, string>): string {
  let hash = OFFSET;
  // Default sort compares code units, which for Prometheus' ASCII label names is Go's byte order.
  for (const name of Object.keys(labels).sort()) {
    hash = addBytes(hash, utf8.encode(name));
    hash = addBytes(hash, [SEPARATOR]);
    hash = addBytes(hash, utf8.encode(labels[name]!));
    hash = addBytes(hash, [SEPARATOR]);
  }
  return hash.toString(16).padStart(16, '0');
}
