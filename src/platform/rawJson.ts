/**
 * JSON of an array of rows where one field of each row is JSON text already made (made once and
 * shared, like an auction's stored state, which several projections write in the same batch):
 * spliced in as JSON, not quoted as a string. The same text as `JSON.stringify` of the rows with
 * that field parsed, the field moved last.
 */
export function jsonRowsWith<T extends object, K extends keyof T & string>(
  rows: T[],
  key: K,
  json: (row: T) => string,
): string {
  const parts = rows.map((row) => {
    const { [key]: _field, ...rest } = row;
    const head = JSON.stringify(rest);
    return `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}${JSON.stringify(key)}:${json(row)}}`;
  });
  return `[${parts.join(',')}]`;
}
