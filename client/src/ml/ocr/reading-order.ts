interface Boxed { box: [number, number, number, number] }

/**
 * Orders lines top-to-bottom, then left-to-right within a row. Two lines share a row when their vertical
 * centres are closer than half the shorter line's height, so words of one caption split into several boxes
 * read in order even when their tops differ by a few pixels.
 */
export function sortReadingOrder<T extends Boxed>(lines: readonly T[]): T[] {
  const centre = (l: T) => l.box[1] + l.box[3] / 2;
  const byCentre = [...lines].sort((a, b) => centre(a) - centre(b));
  const rows: T[][] = [];
  for (const line of byCentre) {
    const row = rows.at(-1);
    const anchor = row?.[0];
    if (row && anchor && Math.abs(centre(line) - centre(anchor)) < Math.min(line.box[3], anchor.box[3]) / 2) {
      row.push(line);
    } else {
      rows.push([line]);
    }
  }
  return rows.flatMap((row) => row.sort((a, b) => a.box[0] - b.box[0]));
}
