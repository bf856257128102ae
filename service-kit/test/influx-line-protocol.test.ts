import { intField, type InfluxPointShape } from '@shelfwatch/contracts';
import { describe, expect, it } from 'vitest';
import { LineProtocolError, pointLine, toLineProtocol } from '../src/influx-line-protocol.js';

const point = (p: Partial<InfluxPointShape>): InfluxPointShape => ({ measurement: 'm', tags: {}, fields: { v: 1 }, timestampNs: '1000000', ...p });

describe('line protocol', () => {
  it('escapes the measurement, keys and tag values, and quotes strings', () => {
    const line = pointLine(point({ measurement: 'cold room,1', tags: { 'probe id': 'a=b,c d' }, fields: { 'the note': 'say "hi" \\ bye', 'a=b': true } }));
    expect(line).toBe('cold\\ room\\,1,probe\\ id=a\\=b\\,c\\ d the\\ note="say \\"hi\\" \\\\ bye",a\\=b=true 1000000');
  });

  it('writes integers with the i suffix and every bare number as a float', () => {
    expect(pointLine(point({ fields: { n: intField(3), x: 3, y: 2.5, z: false } }))).toBe('m n=3i,x=3,y=2.5,z=false 1000000');
  });

  it('sorts tags and leaves empty tag values out', () => {
    expect(pointLine(point({ tags: { store: 's1', case: 'c1', sku: '' } }))).toBe('m,case=c1,store=s1 v=1 1000000');
  });

  it('joins points with newlines', () => {
    expect(toLineProtocol([point({}), point({ timestampNs: '2' })])).toBe('m v=1 1000000\nm v=1 2');
  });

  it('encodes each series once yet keeps apart series that differ only in which tag holds a value, or in what is empty', () => {
    const lines = [
      point({ tags: { a: 'x', b: 'y' } }),
      point({ tags: { a: 'x', b: 'y' }, timestampNs: '2' }),
      point({ tags: { a: 'xy', b: '' } }),
      point({ tags: { b: 'x', a: 'y' } }),
      point({ measurement: 'n', tags: { a: 'x', b: 'y' } }),
    ].map(pointLine);
    expect(lines).toEqual(['m,a=x,b=y v=1 1000000', 'm,a=x,b=y v=1 2', 'm,a=xy v=1 1000000', 'm,a=y,b=x v=1 1000000', 'n,a=x,b=y v=1 1000000']);
    // A series refused once is refused every time (nothing invalid is remembered).
    expect(() => pointLine(point({ tags: { store: 'a\nb' } }))).toThrow(LineProtocolError);
    expect(() => pointLine(point({ tags: { store: 'a\nb' } }))).toThrow(LineProtocolError);
  });

  it.each<[string, Partial<InfluxPointShape>]>([
    ['a line break in a tag', { tags: { store: 'a\nb' } }],
    ['no fields', { fields: {} }],
    ['a non-finite float', { fields: { v: Number.NaN } }],
    ['a non-finite integer', { fields: { v: intField(Number.POSITIVE_INFINITY) } }],
    ['an empty measurement', { measurement: '' }],
    ['a timestamp that is not integer nanoseconds', { timestampNs: '1.5' }],
  ])('refuses %s', (_, p) => {
    expect(() => pointLine(point(p))).toThrow(LineProtocolError);
  });
});
