import { hash } from 'node:crypto';

/**
 * Name-based UUIDs (RFC 9562 version 5: SHA-1 of the namespace and the name) under one
 * namespace: the same ids as the `uuid` package's `v5(name, namespace)`, which parses the
 * namespace and re-encodes the name on every call. Notification ids are made a few thousand
 * times a second on a busy auction.
 */
export function nameUuids(namespace: string): (name: string) => string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (namespaceBytes.length !== 16) throw new TypeError(`not a UUID: ${namespace}`);
  return (name) => {
    const digest = hash('sha1', Buffer.concat([namespaceBytes, Buffer.from(name, 'utf8')]), 'buffer');
    digest[6] = (digest[6]! & 0x0f) | 0x50; // version 5
    digest[8] = (digest[8]! & 0x3f) | 0x80; // the RFC's variant
    const hex = digest.toString('hex', 0, 16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}
