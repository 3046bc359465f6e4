/**
 * Image preparation primitives (no tesseract needed): the PNM parser that spares a PNG round
 * trip, the two-shear rotation that replaces an interpolated one, and the skew estimate on the
 * result — a page tilted by sharp and straightened by shearRotate must measure flat again.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeGrey, estimateSkew, horizontalRules, parsePnm, preparePage, shearRotate, type GreyImage } from '../../src/ingest/ocr/image-prep.js';

/** A white page with dark horizontal bars (text-line stand-ins) and one long rule. */
function page(width = 1200, height = 1600): GreyImage {
  const data = new Uint8Array(width * height).fill(255);
  for (let y = 200; y < 1400; y += 40) {
    const len = 300 + ((y * 37) % 500);
    for (let dy = 0; dy < 10; dy++) data.fill(20, (y + dy) * width + 150, (y + dy) * width + 150 + len);
  }
  for (let dy = 0; dy < 3; dy++) data.fill(0, (1450 + dy) * width + 100, (1450 + dy) * width + 1100);
  return { data, width, height };
}

async function tilt(img: GreyImage, deg: number): Promise<GreyImage> {
  const { data, info } = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 1 } })
    .rotate(deg, { background: '#ffffff' })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('parsePnm', () => {
  it('reads P5 and P6 like sharp reads the same pixels, and P4 bitmaps as black on white', async () => {
    const img = page(64, 48);
    const p5 = Buffer.concat([Buffer.from('P5\n# scanner\n64 48\n255\n'), img.data]);
    expect(parsePnm(p5)).toEqual({ data: img.data, width: 64, height: 48 });
    const rgb = Buffer.alloc(64 * 48 * 3);
    img.data.forEach((v, i) => rgb.fill(v, i * 3, i * 3 + 3));
    const p6 = parsePnm(Buffer.concat([Buffer.from('P6 64 48 255\n'), rgb]))!;
    const viaSharp = await decodeGrey(await sharp(rgb, { raw: { width: 64, height: 48, channels: 3 } }).png().toBuffer());
    expect(p6.width).toBe(64);
    expect(Math.max(...p6.data.map((v, i) => Math.abs(v - viaSharp.data[i]!)))).toBeLessThanOrEqual(2);
    // P4: 1 = black, rows padded to whole bytes.
    const p4 = parsePnm(Buffer.concat([Buffer.from('P4\n10 2\n'), Buffer.from([0b10000000, 0b01000000, 0xff, 0xc0])]))!;
    expect([...p4.data]).toEqual([0, 255, 255, 255, 255, 255, 255, 255, 255, 0, ...Array(10).fill(0)]);
    expect(parsePnm(Buffer.from('not an image'))).toBeUndefined();
    expect(parsePnm(Buffer.from('P5\n64 48\n255\n'))).toBeUndefined(); // truncated pixels
  });
});

describe('shearRotate and estimateSkew', () => {
  it.each([1.7, -2.3, 0.6])('straightens a page tilted by %s°: skew then measures ~0 and the rule is found again', async (deg) => {
    const tilted = await tilt(page(), deg);
    const skew = await estimateSkew(tilted);
    expect(Math.abs(skew - deg)).toBeLessThan(0.2);
    const straight = shearRotate(tilted, -skew);
    expect([straight.width, straight.height]).toEqual([tilted.width, tilted.height]);
    expect(Math.abs(await estimateSkew(straight))).toBeLessThanOrEqual(0.1);
    const rules = horizontalRules(new Uint8Array(straight.data), straight.width, straight.height);
    expect(rules.filter((r) => r.x1 - r.x0 > 900)).toHaveLength(1);
  });

  it('leaves a straight page alone and hands tesseract a PGM of the same size', async () => {
    const img = page();
    const prepared = await preparePage(img);
    expect(prepared.rotated).toBe(false);
    expect(prepared.skewDeg).toBe(0);
    expect(prepared.pgm.subarray(0, 15).toString('latin1')).toBe('P5\n1200 1600\n255\n'.slice(0, 15));
    expect(parsePnm(prepared.pgm)!.width).toBe(1200);
  });
});
