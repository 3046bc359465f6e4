/**
 * Page image preparation before tesseract, written for speed (it runs once per scanned page, on
 * the same cores as tesseract, so every millisecond here is overhead over OCR itself):
 *  - decode once to 8-bit greyscale (PNM from `pdfimages` is parsed in JS: no PNG codec at all);
 *  - estimate the skew on a ~900 px wide copy (projection-profile search);
 *  - upscale only low-resolution scans (sharp), and straighten with two integer shears in JS
 *    (as leptonica does for small angles: ~10× cheaper than an interpolated rotation and no
 *    visible difference to tesseract at a few degrees);
 *  - find horizontal ruling lines (table row bands) and erase rules, only where long dark runs
 *    exist;
 *  - hand tesseract an uncompressed PGM on stdin (no PNG encode here, no PNG decode there).
 * Word boxes from tesseract then come out in straight page coordinates.
 */
import sharp from 'sharp';

export interface GreyImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface PreparedPage {
  /** Binary PGM (P5) to feed tesseract on stdin: deskewed, rules erased. */
  pgm: Buffer;
  width: number;
  height: number;
  /** Estimated tilt in degrees (sharp's rotate(-skewDeg) would straighten it). */
  skewDeg: number;
  /** Whether the image was actually straightened (|skew| ≥ ROTATE_MIN_DEG). */
  rotated: boolean;
  hRules: Array<{ y: number; x0: number; x1: number }>;
}

export interface PrepareOptions {
  deskew?: boolean;
  eraseRules?: boolean;
  /** Resize factor (upscaling low-resolution scans); 1 = none. */
  scale?: number;
}

const DARK = 140;
/**
 * Below this tilt the page is not straightened: a 0.15° tilt moves a line by 6 px across a
 * 300-dpi A4 width — less than a rule's thickness, so rules are still found row by row.
 */
export const ROTATE_MIN_DEG = 0.15;

/** Parse a binary PNM (P4 bitmap, P5 greymap, P6 pixmap) into greyscale; undefined if not PNM. */
export function parsePnm(buf: Buffer): GreyImage | undefined {
  if (buf.length < 8 || buf[0] !== 0x50 /* P */) return undefined;
  const kind = buf[1];
  if (kind !== 0x34 && kind !== 0x35 && kind !== 0x36) return undefined;
  // Header: magic, width, height, [maxval], each separated by whitespace (comments allowed).
  const fields: number[] = [];
  let i = 2;
  const need = kind === 0x34 ? 2 : 3;
  while (fields.length < need && i < buf.length) {
    const c = buf[i]!;
    if (c === 0x23 /* # */) {
      while (i < buf.length && buf[i] !== 0x0a) i++;
    } else if (c >= 0x30 && c <= 0x39) {
      let n = 0;
      while (i < buf.length && buf[i]! >= 0x30 && buf[i]! <= 0x39) n = n * 10 + (buf[i++]! - 0x30);
      fields.push(n);
      continue;
    }
    i++;
  }
  i++; // the single whitespace byte after the header
  const [width, height, maxval = 1] = fields;
  if (!width || !height || maxval !== (kind === 0x34 ? 1 : 255)) return undefined;
  const n = width * height;
  const data = new Uint8Array(n);
  if (kind === 0x35) {
    if (buf.length < i + n) return undefined;
    data.set(buf.subarray(i, i + n));
  } else if (kind === 0x36) {
    if (buf.length < i + n * 3) return undefined;
    // ITU-R 601 luma in fixed point (same weights as sharp's greyscale, to within rounding).
    for (let p = 0, j = i; p < n; p++, j += 3) data[p] = (buf[j]! * 77 + buf[j + 1]! * 150 + buf[j + 2]! * 29) >> 8;
  } else {
    const rowBytes = (width + 7) >> 3;
    if (buf.length < i + rowBytes * height) return undefined;
    for (let y = 0; y < height; y++) {
      const row = i + y * rowBytes;
      for (let x = 0; x < width; x++) data[y * width + x] = (buf[row + (x >> 3)]! >> (7 - (x & 7))) & 1 ? 0 : 255;
    }
  }
  return { data, width, height };
}

/** Any image sharp reads (PNG, JPEG, TIFF…) or a PNM → 8-bit greyscale pixels. */
export async function decodeGrey(image: Buffer | GreyImage): Promise<GreyImage> {
  if (!Buffer.isBuffer(image)) return image;
  const pnm = parsePnm(image);
  if (pnm) return pnm;
  const { data, info } = await sharp(image).greyscale().raw().toBuffer({ resolveWithObject: true });
  // greyscale() keeps an alpha channel when there is one: take the first channel.
  if (info.channels === 1) return { data, width: info.width, height: info.height };
  const out = new Uint8Array(info.width * info.height);
  for (let p = 0, j = 0; p < out.length; p++, j += info.channels) out[p] = data[j]!;
  return { data: out, width: info.width, height: info.height };
}

export async function preparePage(image: Buffer | GreyImage, options: PrepareOptions = {}): Promise<PreparedPage> {
  let img = await decodeGrey(image);
  const skewDeg = options.deskew === false ? 0 : await estimateSkewGrey(img);
  const rotated = Math.abs(skewDeg) >= ROTATE_MIN_DEG;
  // Straighten before upscaling: the resize then smooths the shear's one-pixel steps.
  if (rotated) img = shearRotate(img, -skewDeg);
  const scale = options.scale ?? 1;
  if (Math.abs(scale - 1) > 0.05) {
    // Upscaling a low-resolution scan to tesseract's preferred text size gains accuracy.
    const width = Math.round(img.width * scale);
    const { data, info } = await fromGrey(img).resize({ width, kernel: 'mitchell' }).raw().toBuffer({ resolveWithObject: true });
    img = { data, width: info.width, height: info.height };
  }
  const { data, width, height } = img;
  const hRules = horizontalRules(data, width, height, options.eraseRules !== false);
  // Tesseract's page segmentation treats ruled cells as separators or images and drops short
  // cells (the STT column, centred headers); erasing the rules lets it see every cell's text.
  if (options.eraseRules !== false) eraseVerticalRules(data, width, height);
  return { pgm: toPgm(img), width, height, skewDeg, rotated, hRules };
}

/** A sharp pipeline over grey pixels that stays one-channel on output (raw input would turn sRGB). */
function fromGrey(img: GreyImage): sharp.Sharp {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 1 } }).toColourspace('b-w');
}

/** Binary PGM: a 15-byte header in front of the pixels. */
export function toPgm(img: GreyImage): Buffer {
  const header = Buffer.from(`P5\n${img.width} ${img.height}\n255\n`, 'latin1');
  const out = Buffer.allocUnsafe(header.length + img.data.length);
  header.copy(out, 0);
  out.set(img.data, header.length);
  return out;
}

/**
 * Rotate by a small angle (degrees, sharp's sign convention: positive = clockwise on screen)
 * with a vertical then a horizontal integer shear about the centre; output has the input's size,
 * uncovered pixels are white. Exact to within one pixel for the few degrees a scanner tilts a page
 * (the two-shear scale error is 1 − cos θ < 0.1 % at 2.5°).
 */
export function shearRotate(img: GreyImage, deg: number): GreyImage {
  const { data, width: w, height: h } = img;
  const t = Math.tan((deg * Math.PI) / 180);
  const cx = w / 2;
  const cy = h / 2;
  // Vertical shear: out(x, y) = in(x, y − (x − cx)·t). The shift is constant over spans of
  // ~1/t columns, so copy row spans (row-major, cache friendly) rather than walking columns.
  const mid = new Uint8Array(w * h).fill(255);
  const spans: Array<{ x0: number; x1: number; dy: number }> = [];
  for (let x = 0; x < w; ) {
    const dy = Math.round((x - cx) * t);
    let x1 = x + 1;
    while (x1 < w && Math.round((x1 - cx) * t) === dy) x1++;
    spans.push({ x0: x, x1, dy });
    x = x1;
  }
  for (let y = 0; y < h; y++) {
    for (const s of spans) {
      const sy = y - s.dy;
      if (sy < 0 || sy >= h) continue;
      mid.set(data.subarray(sy * w + s.x0, sy * w + s.x1), y * w + s.x0);
    }
  }
  // Horizontal shear: out(x, y) = mid(x + (y − cy)·t, y).
  const out = new Uint8Array(w * h).fill(255);
  for (let y = 0; y < h; y++) {
    const dx = Math.round((y - cy) * t);
    const src0 = Math.max(0, dx);
    const src1 = Math.min(w, w + dx);
    if (src1 > src0) out.set(mid.subarray(y * w + src0, y * w + src1), y * w + src0 - dx);
  }
  return { data: out, width: w, height: h };
}

/** Skew angle (degrees) maximising the sharpness of the horizontal projection profile. */
export async function estimateSkew(image: Buffer | GreyImage): Promise<number> {
  return estimateSkewGrey(await decodeGrey(image));
}

async function estimateSkewGrey(img: GreyImage): Promise<number> {
  // ~110 dpi for an A4 page: text lines stay distinct (640 px lost 0.05° of precision on our scans).
  const target = 900;
  let small = img;
  if (img.width > target) {
    // Nearest neighbour is enough for a projection profile and twice as fast as a filter.
    const { data, info } = await fromGrey(img)
      .resize({ width: target, kernel: 'nearest' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    small = { data, width: info.width, height: info.height };
  }
  return skewFromPixels(small);
}

function skewFromPixels({ data, width, height }: GreyImage): number {
  let count = 0;
  for (let k = 0; k < data.length; k++) if (data[k]! < DARK) count++;
  if (count < 200) return 0;
  const xs = new Float64Array(count);
  const ys = new Float64Array(count);
  for (let y = 0, k = 0, n = 0; y < height; y++) {
    for (let x = 0; x < width; x++, k++) {
      if (data[k]! < DARK) {
        xs[n] = x;
        ys[n++] = y;
      }
    }
  }
  const off = width;
  const bins = new Float64Array(height + 2 * width + 2);
  const score = (deg: number): number => {
    const t = Math.tan((deg * Math.PI) / 180);
    bins.fill(0);
    for (let k = 0; k < count; k++) {
      const b = Math.round(ys[k]! - xs[k]! * t) + off;
      if (b >= 0 && b < bins.length) bins[b]!++;
    }
    let s = 0;
    for (let b = 0; b < bins.length; b++) s += bins[b]! * bins[b]!;
    return s;
  };
  // Coarse search over ±4° in 0.25° steps, then 0.05° around the best.
  let best = 0;
  let bestScore = score(0);
  for (let d = -4; d <= 4.0001; d += 0.25) {
    const s = score(d);
    if (s > bestScore) [best, bestScore] = [d, s];
  }
  const coarse = best;
  for (let d = coarse - 0.25; d <= coarse + 0.2501; d += 0.05) {
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
    let bestLen = 0;
    let bx0 = 0;
    let bx1 = 0;
    const base = y * width;
    for (let x = 0; x < width; x++) {
      if (data[base + x]! < DARK) {
        if (x - lastDark > 4) {
          // A run that ends here can no longer be beaten by what is left of the row: stop early.
          if (bestLen >= minRun && width - x < bestLen) break;
          runStart = x;
        }
        lastDark = x;
        const len = x - runStart + 1;
        if (len > bestLen) {
          bestLen = len;
          bx0 = runStart;
          bx1 = x;
        }
      }
    }
    if (bestLen >= minRun) rows.push({ y, x0: bx0, x1: bx1 });
  }
  // A printed rule is a few pixel rows thick: merge neighbours into one.
  const merged: Array<{ y: number; x0: number; x1: number }> = [];
  let group: typeof rows = [];
  const close = (): void => {
    if (!group.length) return;
    const x0 = Math.min(...group.map((r) => r.x0));
    const x1 = Math.max(...group.map((r) => r.x1));
    if (erase) {
      // The whole band plus a margin: anti-aliased and noisy edge rows would otherwise survive
      // as a line of garbage glyphs.
      for (let y = Math.max(0, group[0]!.y - 3); y <= Math.min(height - 1, group[group.length - 1]!.y + 3); y++) data.fill(255, y * width + x0, y * width + x1 + 1);
    }
    merged.push({ y: group.reduce((s, r) => s + r.y, 0) / group.length, x0, x1 });
    group = [];
  };
  for (const r of rows) {
    if (group.length && r.y - group[group.length - 1]!.y > 2) close();
    group.push(r);
  }
  close();
  return merged;
}

/**
 * Whiten vertical dark runs longer than 4% of the page height (cell borders, never glyphs).
 * Scans rows in memory order with one run state per column (a column-by-column walk would
 * miss the cache on every pixel).
 */
export function eraseVerticalRules(data: Uint8Array, width: number, height: number): void {
  const minRun = Math.max(60, height * 0.04);
  const runStart = new Int32Array(width).fill(-1);
  const lastDark = new Int32Array(width).fill(-10);
  const marks: Array<[number, number, number]> = [];
  const flush = (x: number): void => {
    if (runStart[x]! >= 0 && lastDark[x]! - runStart[x]! + 1 >= minRun) marks.push([x, runStart[x]!, lastDark[x]!]);
  };
  for (let y = 0; y < height; y++) {
    const base = y * width;
    for (let x = 0; x < width; x++) {
      if (data[base + x]! < DARK) {
        if (y - lastDark[x]! > 4) {
          flush(x);
          runStart[x] = y;
        }
        lastDark[x] = y;
      }
    }
  }
  for (let x = 0; x < width; x++) flush(x);
  for (const [x, a, b] of marks) {
    const c0 = Math.max(0, x - 3);
    const c1 = Math.min(width - 1, x + 3);
    for (let y = a; y <= b; y++) data.fill(255, y * width + c0, y * width + c1 + 1);
  }
}
