/**
 * Page image preparation before tesseract: deskew (projection-profile search on a downscaled
 * copy, then one sharp rotation of the full image) and horizontal ruling lines (long dark pixel
 * runs) for table row bands. Word boxes from tesseract then come out in straight page coordinates.
 */
import sharp from 'sharp';

export interface PreparedPage {
  /** PNG to feed tesseract (deskewed when the tilt was measurable). */
  png: Buffer;
  width: number;
  height: number;
  /** Estimated tilt in degrees (positive = the text runs downhill to the right... as sharp rotates). */
  skewDeg: number;
  hRules: Array<{ y: number; x0: number; x1: number }>;
}

const DARK = 140;

export async function preparePage(image: Buffer, options: { deskew?: boolean; eraseRules?: boolean; scale?: number } = {}): Promise<PreparedPage> {
  const skewDeg = options.deskew === false ? 0 : await estimateSkew(image);
  let pipeline = sharp(image).greyscale();
  if (options.scale && Math.abs(options.scale - 1) > 0.05) {
    // Upscaling a 200-dpi scan to tesseract's preferred ~300 dpi text size gains accuracy; sharp
    // does it in ~0.1 s where pdftoppm takes ~15 s to resample the embedded image itself.
    const meta = await sharp(image).metadata();
    if (meta.width) pipeline = pipeline.resize({ width: Math.round(meta.width * options.scale), kernel: 'mitchell' });
  }
  if (Math.abs(skewDeg) >= 0.15) pipeline = pipeline.rotate(-skewDeg, { background: { r: 255, g: 255, b: 255 } });
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  const hRules = horizontalRules(data, info.width, info.height, true);
  // Tesseract's page segmentation treats ruled cells as separators or images and drops short
  // cells (the STT column, centred headers); erasing the rules lets it see every cell's text.
  if (options.eraseRules !== false) eraseVerticalRules(data, info.width, info.height);
  const png = await sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } }).png({ compressionLevel: 1 }).toBuffer();
  return { png, width: info.width, height: info.height, skewDeg, hRules };
}

/** Skew angle (degrees) maximising the sharpness of the horizontal projection profile. */
export async function estimateSkew(image: Buffer): Promise<number> {
  const target = 900;
  const { data, info } = await sharp(image).greyscale().resize({ width: target, withoutEnlargement: true }).raw().toBuffer({ resolveWithObject: true });
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      if (data[y * info.width + x]! < DARK) {
        xs.push(x);
        ys.push(y);
      }
    }
  }
  if (xs.length < 200) return 0;
  const score = (deg: number): number => {
    const t = Math.tan((deg * Math.PI) / 180);
    const bins = new Float64Array(info.height + info.width + 2);
    const off = info.width;
    for (let k = 0; k < xs.length; k++) {
      const b = Math.round(ys[k]! - xs[k]! * t) + off;
      if (b >= 0 && b < bins.length) bins[b]!++;
    }
    let s = 0;
    for (const v of bins) s += v * v;
    return s;
  };
  let best = 0;
  let bestScore = score(0);
  for (let d = -4; d <= 4.0001; d += 0.2) {
    const s = score(d);
    if (s > bestScore) [best, bestScore] = [d, s];
  }
  const coarse = best;
  for (let d = coarse - 0.2; d <= coarse + 0.2001; d += 0.05) {
    const s = score(d);
    if (s > bestScore) [best, bestScore] = [d, s];
  }
  return Math.round(best * 100) / 100;
}

/** Rows holding a dark run of at least a quarter of the page width (gaps of 3 px bridged). */
export function horizontalRules(data: Uint8Array, width: number, height: number, erase = false): Array<{ y: number; x0: number; x1: number }> {
  const minRun = width * 0.25;
  const rows: Array<{ y: number; x0: number; x1: number }> = [];
  for (let y = 0; y < height; y++) {
    let runStart = -1;
    let lastDark = -10;
    let best = { len: 0, x0: 0, x1: 0 };
    const base = y * width;
    for (let x = 0; x < width; x++) {
      if (data[base + x]! < DARK) {
        if (x - lastDark > 4) runStart = x;
        lastDark = x;
        const len = x - runStart + 1;
        if (len > best.len) best = { len, x0: runStart, x1: x };
      }
    }
    if (best.len >= minRun) {
      rows.push({ y, x0: best.x0, x1: best.x1 });
    }
  }
  // A printed rule is a few pixel rows thick: merge neighbours into one.
  const merged: Array<{ y: number; x0: number; x1: number }> = [];
  let group: typeof rows = [];
  const close = (): void => {
    if (!group.length) return;
    if (erase) {
      // The whole band plus a margin: anti-aliased and noisy edge rows would otherwise survive
      // as a line of garbage glyphs.
      const x0 = Math.min(...group.map((r) => r.x0));
      const x1 = Math.max(...group.map((r) => r.x1));
      for (let y = Math.max(0, group[0]!.y - 3); y <= Math.min(height - 1, group[group.length - 1]!.y + 3); y++) data.fill(255, y * width + x0, y * width + x1 + 1);
    }
    merged.push({
      y: group.reduce((s, r) => s + r.y, 0) / group.length,
      x0: Math.min(...group.map((r) => r.x0)),
      x1: Math.max(...group.map((r) => r.x1)),
    });
    group = [];
  };
  for (const r of rows) {
    if (group.length && r.y - group[group.length - 1]!.y > 2) close();
    group.push(r);
  }
  close();
  return merged;
}

/** Whiten vertical dark runs longer than 4% of the page height (cell borders, never glyphs). */
export function eraseVerticalRules(data: Uint8Array, width: number, height: number): void {
  const minRun = Math.max(60, height * 0.04);
  const marks: Array<[number, number, number]> = [];
  for (let x = 0; x < width; x++) {
    let runStart = -1;
    let lastDark = -10;
    const flush = (): void => {
      if (runStart >= 0 && lastDark - runStart + 1 >= minRun) {
        marks.push([x, runStart, lastDark]);
      }
    };
    for (let y = 0; y < height; y++) {
      if (data[y * width + x]! < DARK) {
        if (y - lastDark > 4) {
          flush();
          runStart = y;
        }
        lastDark = y;
      }
    }
    flush();
  }
  for (const [x, a, b] of marks) {
    for (let dx = -3; dx <= 3; dx++) {
      const cx = x + dx;
      if (cx < 0 || cx >= width) continue;
      for (let y = a; y <= b; y++) data[y * width + cx] = 255;
    }
  }
}
