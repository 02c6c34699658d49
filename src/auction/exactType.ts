/**
 * An object schema's type as FromSchema derives it, without the index signature it adds where a
 * schema does not say `additionalProperties: false` (the published event schemas leave that open).
 */
export type Exact<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T as string extends K ? never : K]: Exact<T[K]> }
    : T;
