import { z } from 'zod';

// Identifiers end up in MQTT topics, InfluxDB tags, serial frames and URLs, so they are
// restricted to characters that are safe in all four without escaping.
const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export const Id = z
  .string()
  .regex(ID_PATTERN, 'must be 1-63 chars of a-z, 0-9, "_" or "-", starting with a letter or digit');

export const StoreId = Id;
export const DeviceId = Id;
export const ShelfId = Id;
export const SlotId = Id;
export const CaseId = Id;
export const SupplierId = Id;
export const Sku = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, 'must be 1-40 chars of letters, digits, ".", "_" or "-"');

/** Event time: integer milliseconds since the Unix epoch, as stamped by the device. */
export const EpochMs = z.number().int().min(0).max(8_640_000_000_000);

/** Device sequence numbers are uint32 and wrap. */
export const Seq = z.number().int().min(0).max(0xffff_ffff);

export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}
