/** IP literal and address-range helpers for bypass matching. Pure string arithmetic, no lookups. */

/** The four bytes of a dotted-quad IPv4 literal (exactly four decimal parts), or undefined. */
function parseIPv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes.push(value);
  }
  return bytes;
}

/** The sixteen bytes of an IPv6 literal (with `::`, an embedded IPv4 tail, or a `%zone`), or undefined. */
export function parseIPv6(text: string): number[] | undefined {
  const address = text.replace(/%.*$/, '');
  if (!/^[0-9a-f:.]+$/i.test(address) || !address.includes(':')) return undefined;
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): number[] | undefined => {
    if (half === '') return [];
    const out: number[] = [];
    const pieces = half.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-f]{1,4}$/i.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const words = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return words.flatMap((word) => [word >> 8, word & 0xff]);
}

/** Bytes of an IPv4 or IPv6 literal (brackets allowed around IPv6), or undefined for a name. */
export function parseIP(text: string): number[] | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return parseIPv4(bare) ?? parseIPv6(bare);
}

/** Whether the first `bits` bits of two equally long addresses agree. */
export function prefixMatches(address: readonly number[], network: readonly number[], bits: number): boolean {
  if (address.length !== network.length || bits < 0 || bits > address.length * 8) return false;
  for (let i = 0; i < address.length; i++) {
    const take = Math.max(0, Math.min(8, bits - i * 8));
    if (take === 0) return true;
    const mask = (0xff << (8 - take)) & 0xff;
    if ((address[i]! & mask) !== (network[i]! & mask)) return false;
  }
  return true;
}

/**
 * An IPv4 network written the BSD way, with trailing zero octets left out: `169.254/16` is
 * 169.254.0.0/16 (the form macOS puts in its default ExceptionsList). Full dotted quads work too.
 */
export function parseShortIPv4Network(text: string): { network: number[]; bits: number } | undefined {
  const match = /^(\d{1,3}(?:\.\d{1,3}){0,3})\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const octets = match[1]!.split('.').map(Number);
  const bits = Number(match[2]);
  if (octets.some((octet) => octet > 255) || bits > 32) return undefined;
  while (octets.length < 4) octets.push(0);
  return { network: octets, bits };
}

/** `address/bits` with a full IPv4 or IPv6 literal (GLib's g_inet_address_mask_new_from_string), or a bare literal as /32 or /128. */
export function parseIPNetwork(text: string): { network: number[]; bits: number } | undefined {
  const slash = text.indexOf('/');
  const network = parseIP(slash < 0 ? text : text.slice(0, slash));
  if (!network) return undefined;
  if (slash < 0) return { network, bits: network.length * 8 };
  const bitsText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (bits > network.length * 8) return undefined;
  return { network, bits };
}
